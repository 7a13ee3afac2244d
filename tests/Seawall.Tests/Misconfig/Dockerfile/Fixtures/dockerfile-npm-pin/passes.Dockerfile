FROM node:22-alpine
RUN npm ci && npm install -g typescript@5.6.2 @angular/cli@18.2.1
