FROM debian:12.7
WORKDIR app
# expect-lines: 2
