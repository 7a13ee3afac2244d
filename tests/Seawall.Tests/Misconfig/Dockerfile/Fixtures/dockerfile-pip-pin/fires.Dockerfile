FROM python:3.12-slim
RUN pip install --no-cache-dir flask requests==2.32.3
# expect-lines: 2
