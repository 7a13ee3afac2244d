FROM golang:1.22 AS Build
FROM alpine:3.20
COPY --from=build /out/app /app
COPY --from=0 /out/tool /tool
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
