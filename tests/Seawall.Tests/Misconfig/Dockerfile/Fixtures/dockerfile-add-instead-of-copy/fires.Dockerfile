FROM alpine:3.20
ADD app.py config.yaml /app/
ADD <<EOF /etc/motd
hello
EOF
# expect-lines: 2 3
