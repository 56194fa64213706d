# The bot as an image: `docker build -t available-now .`, then see docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/available-now
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install ".[redis]" \
    && useradd --system --no-create-home --uid 10001 available-now

USER available-now
# Inside a container the webhook server listens on every interface; the proxy is in front.
ENV WEBHOOK_LISTEN_HOST=0.0.0.0 \
    WEBHOOK_LISTEN_PORT=8080
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["available-now"]
CMD ["run", "--webhook"]
