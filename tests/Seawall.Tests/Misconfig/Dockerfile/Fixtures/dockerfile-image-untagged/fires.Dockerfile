ARG REGISTRY=docker.io
FROM ${REGISTRY}/library/debian AS base
FROM base
# expect-lines: 2
