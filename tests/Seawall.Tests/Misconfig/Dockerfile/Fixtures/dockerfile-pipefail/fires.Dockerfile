FROM debian:12.7
RUN curl -fsSL https://example.com/a.tar.gz | tar xz -C /opt
# expect-lines: 2
