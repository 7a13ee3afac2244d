ARG VERSION=12.7
FROM debian:${VERSION} AS base
FROM base
FROM scratch
COPY --from=base /etc/os-release /
FROM registry.example.com:5000/team/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
