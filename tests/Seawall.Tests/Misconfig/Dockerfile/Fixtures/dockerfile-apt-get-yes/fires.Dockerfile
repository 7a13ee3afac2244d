FROM debian:12.7
RUN apt-get install --no-install-recommends curl=7.88.1-10
# expect-lines: 2
