FROM alpine:3.20
ADD rootfs.tar.xz /
ADD https://example.com/tool.tar.gz /tmp/
COPY app.py /app/
