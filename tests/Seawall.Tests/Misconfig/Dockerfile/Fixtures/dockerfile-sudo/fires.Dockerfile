FROM debian:12.7
RUN sudo apt-get install -y curl
# expect-lines: 2
