FROM node:22-alpine
ENTRYPOINT /entrypoint.sh
CMD node server.js
# expect-lines: 2 3
