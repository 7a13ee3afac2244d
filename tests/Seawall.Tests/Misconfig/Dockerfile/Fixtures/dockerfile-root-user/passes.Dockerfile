ARG APP_USER=app
FROM debian:12.7-slim AS base
ARG APP_USER
USER root
RUN useradd ${APP_USER}
USER ${APP_USER}:${APP_USER}
FROM base
CMD ["/app"]
