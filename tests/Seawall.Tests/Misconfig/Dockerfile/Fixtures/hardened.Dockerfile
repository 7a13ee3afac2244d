# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22.7
ARG DEBIAN_DIGEST=sha256:b8084b1a576c5504a031936e1132574f4ce1d6cc7130bf8c8e4a1a6e2b0b1f0a

FROM golang:${GO_VERSION}-bookworm@sha256:0b0b8b1e2c2d7f5b8b4c6e3f1d2a9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app \
    && curl -fsSL https://example.com/licenses.tar.gz | tar xz -C /out

FROM debian:12.7-slim@${DEBIAN_DIGEST} AS runtime
RUN <<EOF
set -eu
apt-get update
apt-get install -y --no-install-recommends ca-certificates=20230311
rm -rf /var/lib/apt/lists/*
useradd --uid 10001 --no-create-home app
EOF
COPY --from=build --chown=10001:10001 --chmod=755 /out/app /usr/local/bin/app
ENV APP_PASSWORD_FILE=/run/secrets/app_password
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/app", "healthcheck"]
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
