FROM debian:12.7
RUN apt-get update && apt-get dist-upgrade -y
# expect-lines: 2
