FROM debian:12.7
RUN apt-get update && apt-get install -y curl=7.88.1-10 \
    && rm -rf /var/lib/apt/lists/*
RUN bash <<EOT
apt-get install -y ca-certificates=20230311
EOT
# expect-lines: 2 4
