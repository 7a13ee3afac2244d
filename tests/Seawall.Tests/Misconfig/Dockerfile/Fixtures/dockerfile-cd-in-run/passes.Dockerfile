FROM golang:1.22
WORKDIR /src
RUN go build ./... && echo "cd is only text here"
