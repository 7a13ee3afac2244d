FROM golang:1.22 AS build-go
FROM rust:1.81 AS build-rust
