FROM debian:12.7
RUN apt-get install -y curl
