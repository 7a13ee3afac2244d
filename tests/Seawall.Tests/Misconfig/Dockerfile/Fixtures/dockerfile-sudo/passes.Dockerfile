FROM debian:12.7
RUN echo sudo is not run here && apt-get install -y sudo=1.9.13p3-1
