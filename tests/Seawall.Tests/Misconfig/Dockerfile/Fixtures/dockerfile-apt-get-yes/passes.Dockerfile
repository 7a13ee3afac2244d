FROM debian:12.7
RUN apt-get install -yq --no-install-recommends curl=7.88.1-10
RUN apt-get -qq install --no-install-recommends git=1:2.39.5-0
RUN apt-get install --yes --no-install-recommends vim=2:9.0.1378-2
