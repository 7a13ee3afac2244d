FROM debian:12.7
RUN curl -fsSLo install.sh https://example.com/install.sh \
 && echo "0123abcd  install.sh" | sha256sum -c - \
 && sh install.sh
RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
