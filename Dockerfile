# Ouderkring: the bot in a container. SQLite in /data by default; set OUDERKRING_DATABASE_URL
# (and the platform tokens) in the environment for production.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OUDERKRING_DATABASE_URL=sqlite:////data/ouderkring.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY community ./community
COPY matching ./matching
COPY config ./config
RUN pip install '.[postgres]' \
    && useradd --system --home-dir /data --create-home ouderkring \
    && chmod 700 /data

USER ouderkring
VOLUME ["/data"]
WORKDIR /data
ENTRYPOINT ["ouderkring"]
# `docker run -it -v ouderkring-data:/data ouderkring` sets up the schema in /data and chats with
# the shipped demo community (Arnhem) in the console. On a real install: mount a config file,
# set OUDERKRING_CONFIG and OUDERKRING_TELEGRAM_TOKEN, run `db upgrade` once, then `run`.
CMD ["demo"]
