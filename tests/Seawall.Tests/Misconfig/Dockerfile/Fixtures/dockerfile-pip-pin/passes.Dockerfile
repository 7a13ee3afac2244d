FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements.txt 'django>=5.0,<5.1' . \
    && python3 -m pip install --no-cache-dir wheel==0.44.0
