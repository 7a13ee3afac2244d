FROM debian:12.7
RUN apt-get install -y --no-install-recommends curl=7.88.1-10 git
# expect-lines: 2
