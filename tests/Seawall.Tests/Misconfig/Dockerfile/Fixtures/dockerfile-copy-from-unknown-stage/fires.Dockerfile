FROM golang:1.22 AS build
FROM alpine:3.20
COPY --from=builder /out/app /app
COPY --from=later /x /x
FROM alpine:3.20 AS later
# expect-lines: 3 4
