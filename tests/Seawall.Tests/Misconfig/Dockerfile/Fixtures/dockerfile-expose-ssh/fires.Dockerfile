FROM debian:12.7
EXPOSE 80 20-30/tcp
# expect-lines: 2
