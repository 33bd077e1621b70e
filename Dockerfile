# Ouderkring: the bot in a container. compose.yaml runs it with PostgreSQL (README, "Docker").
#
# Two stages: the first builds a virtual environment with Ouderkring and its dependencies, the
# second is python:3.11-slim with only that environment: no pip cache, no build files.
#
# No OUDERKRING_* variable is set here: the environment overrides the config file, so a
# default baked into the image would silently win over a mounted config's [database].url.
# Without a config the shipped example is used; its SQLite file `ouderkring.db` lands in the
# working folder, /data.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY community ./community
COPY matching ./matching
COPY config ./config
RUN python -m venv /opt/ouderkring \
    && /opt/ouderkring/bin/pip install '.[postgres]'

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/ouderkring/bin:$PATH
COPY --from=build /opt/ouderkring /opt/ouderkring
# A fixed uid and gid (10001), so that an installer can give the bot a bind-mounted folder or
# a config file: chown 10001 data; chgrp 10001 ouderkring.toml && chmod 640 ouderkring.toml.
RUN groupadd --system --gid 10001 ouderkring \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --create-home \
       --shell /usr/sbin/nologin ouderkring \
    && chmod 700 /data
# Numeric, so that a platform that insists on non-root (runAsNonRoot) can check it.
USER 10001:10001
VOLUME ["/data"]
WORKDIR /data
# The config is valid and the database reachable at the schema this version needs; nothing
# over the network (a Telegram outage does not make the container unhealthy and restarted).
HEALTHCHECK --interval=60s --timeout=30s --start-period=30s --retries=3 \
    CMD ["ouderkring", "doctor", "--quick"]
ENTRYPOINT ["ouderkring"]
# `docker run -it -v ouderkring-data:/data ouderkring` sets up the schema in /data and chats with
# the shipped demo community (Arnhem) in the console. On a real install: compose.yaml.
CMD ["demo"]
