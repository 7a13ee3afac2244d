FROM debian:12.7
EXPOSE 80 70000
# expect-lines: 2
