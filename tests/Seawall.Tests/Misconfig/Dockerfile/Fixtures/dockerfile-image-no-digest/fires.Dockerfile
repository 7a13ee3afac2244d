FROM alpine:3.20 AS build
FROM scratch
COPY --from=build /bin/busybox /
# expect-lines: 1
