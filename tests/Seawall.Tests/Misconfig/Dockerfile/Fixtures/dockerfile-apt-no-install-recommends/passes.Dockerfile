FROM debian:12.7
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends curl=7.88.1-10
rm -rf /var/lib/apt/lists/*
EOF
RUN apt-get install -y -o APT::Install-Recommends=false git=1:2.39.5-0
RUN cat <<EOF > /usr/local/bin/note
apt-get install -y vim
EOF
