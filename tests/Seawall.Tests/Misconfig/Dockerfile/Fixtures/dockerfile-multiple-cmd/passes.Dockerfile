FROM debian:12.7 AS a
CMD ["a"]
FROM a
CMD ["b"]
