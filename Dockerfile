# Briefing Bot: slim Python 3.11, non-root, database on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BRIEFBOT_DB=/data/briefbot.sqlite3 \
    BRIEFBOT_BRIEFS_DIR=/app/briefs

WORKDIR /app
# Dependencies first, exactly as locked (with hashes), so code changes reuse this layer.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY briefs ./briefs
RUN pip install --no-cache-dir --no-deps . \
    && useradd --create-home --uid 10001 briefbot \
    && mkdir -p /data \
    && chown briefbot:briefbot /data

USER 10001
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["briefbot", "health"]

CMD ["briefbot", "run"]
