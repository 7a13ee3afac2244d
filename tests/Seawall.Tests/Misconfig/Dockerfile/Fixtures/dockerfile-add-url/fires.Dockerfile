FROM alpine:3.20
ADD https://example.com/app.tar.gz /opt/
ADD git@github.com:example/repo.git /src
# expect-lines: 2 3
