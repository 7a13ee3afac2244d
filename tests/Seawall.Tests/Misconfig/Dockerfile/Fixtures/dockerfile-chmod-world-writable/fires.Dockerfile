FROM debian:12.7
RUN mkdir /app && chmod -R 777 /app
COPY --chmod=666 app.conf /etc/app.conf
RUN chmod a+rwx /srv
# expect-lines: 2 3 4
