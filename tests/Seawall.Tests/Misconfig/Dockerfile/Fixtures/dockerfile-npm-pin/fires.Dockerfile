FROM node:22-alpine
RUN npm install -g typescript
# expect-lines: 2
