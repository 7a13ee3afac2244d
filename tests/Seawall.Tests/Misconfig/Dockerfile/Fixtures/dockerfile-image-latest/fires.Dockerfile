FROM --platform=$BUILDPLATFORM node:latest AS ui
FROM python:latest
COPY --from=ui /dist /srv
# expect-lines: 1 2
