FROM debian:12.7
MAINTAINER someone@example.com
# expect-lines: 2
