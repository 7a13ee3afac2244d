FROM debian:12.7
RUN apt install -y curl
# expect-lines: 2
