FROM debian:12.7
CMD ["a"]
CMD ["b"]
# expect-lines: 3
