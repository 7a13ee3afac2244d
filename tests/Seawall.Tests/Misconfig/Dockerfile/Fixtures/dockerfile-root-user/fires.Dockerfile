FROM golang:1.22 AS build
USER builder
FROM debian:12.7-slim
USER root
CMD ["/app"]
# expect-lines: 4
