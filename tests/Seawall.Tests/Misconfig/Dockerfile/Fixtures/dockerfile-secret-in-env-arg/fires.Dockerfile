ARG NPM_TOKEN
FROM node:22-alpine
ENV DB_PASSWORD=hunter2
ARG GITHUB_TOKEN
ENV DOWNLOAD_URL=https://deploy:pa55word@example.com/file.tgz
ENV AWS_KEY AKIAIOSFODNN7EXAMPLE
# expect-lines: 1 3 4 5 6
