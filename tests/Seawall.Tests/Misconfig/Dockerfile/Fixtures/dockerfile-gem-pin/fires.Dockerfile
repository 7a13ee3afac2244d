FROM ruby:3.3
RUN gem install rails
# expect-lines: 2
