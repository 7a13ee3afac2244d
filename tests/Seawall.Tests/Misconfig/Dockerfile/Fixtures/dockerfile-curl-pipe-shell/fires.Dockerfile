FROM debian:12.7
RUN curl -fsSL https://get.example.com | sh
RUN sh -c "$(wget -qO- https://example.com/install.sh)"
RUN wget -O - https://example.com/setup \
    | sudo -E bash -s -- --yes
# expect-lines: 2 3 4
