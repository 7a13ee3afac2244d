FROM golang:1.22 AS build
FROM rust:1.81 AS BUILD
# expect-lines: 2
