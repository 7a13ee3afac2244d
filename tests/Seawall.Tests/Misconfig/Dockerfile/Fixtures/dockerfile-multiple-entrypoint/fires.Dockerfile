FROM debian:12.7
ENTRYPOINT ["a"]
ENTRYPOINT ["b"]
# expect-lines: 3
