ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine
ENV DB_PASSWORD_FILE=/run/secrets/db_password
ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
ENV PASSWORD=
ARG API_KEY_PATH=/run/secrets/api_key
ENV DOWNLOAD_URL=https://example.com/file.tgz
RUN --mount=type=secret,id=token cat /run/secrets/token
