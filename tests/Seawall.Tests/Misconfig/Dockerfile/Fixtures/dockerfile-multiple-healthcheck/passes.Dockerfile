FROM nginx:1.27 AS a
HEALTHCHECK CMD curl -f http://localhost/
FROM a
HEALTHCHECK CMD curl -f http://localhost/health
