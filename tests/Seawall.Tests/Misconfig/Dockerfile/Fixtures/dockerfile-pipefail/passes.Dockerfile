FROM debian:12.7 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
FROM base
RUN curl -fsSL https://example.com/a.tar.gz | tar xz -C /opt
FROM debian:12.7
RUN set -o pipefail && wget -qO- https://example.com/b.tar.gz | tar xz
RUN ["/bin/sh", "-c", "echo no pipe"]
