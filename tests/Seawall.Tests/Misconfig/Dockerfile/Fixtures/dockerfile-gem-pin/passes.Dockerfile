FROM ruby:3.3
RUN gem install rails:7.2.1 && gem install bundler -v 2.5.20
