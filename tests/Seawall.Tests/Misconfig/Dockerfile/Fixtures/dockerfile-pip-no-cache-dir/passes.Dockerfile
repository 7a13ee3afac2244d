FROM python:3.12-slim AS a
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask==3.0.3
FROM a
RUN pip3 install requests==2.32.3
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
