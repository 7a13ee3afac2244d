FROM nginx:1.27 AS base
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
FROM nginx:1.27
COPY --from=base /etc/nginx /etc/nginx
# expect-lines: 3
