FROM debian:12.7
ARG PACKAGES="curl=7.88.1-10"
RUN apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold curl=7.88.1-10 ./local.deb $PACKAGES > /dev/null 2>&1
