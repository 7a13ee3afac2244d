FROM debian:12.7 AS sshd-test
EXPOSE 22
FROM debian:12.7
EXPOSE 80 443/tcp 2222
