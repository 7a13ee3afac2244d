FROM debian:12.7
LABEL org.opencontainers.image.authors="someone@example.com"
