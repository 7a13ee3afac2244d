FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/
HEALTHCHECK CMD curl -f http://localhost/health
# expect-lines: 3
