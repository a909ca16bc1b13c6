# Jävskoll API image.
#   docker build -t javskoll .
#   docker run -p 8000:8000 -e DATABASE_URL=... -e JAVSKOLL_HASH_SECRET=... \
#       -e JAVSKOLL_PNR_SECRET=... -e JAVSKOLL_BOOTSTRAP_KEY=... javskoll
# `javskoll serve` applies the migrations (./migrations, relative to WORKDIR)
# before it starts serving.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    JAVSKOLL_ENVIRONMENT=production

RUN groupadd --system javskoll \
    && useradd --system --gid javskoll --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin javskoll

WORKDIR /app

# Package metadata first, then the code; the image has no build tools, so only
# dependencies with wheels for python:3.11-slim install (all of them today).
COPY pyproject.toml README.md alembic.ini ./
COPY app/ ./app/
COPY migrations/ ./migrations/
# Code and migrations stay root-owned (read-only for the service); only the
# directory itself is writable, so the default sqlite:///./javskoll.db works.
RUN pip install --no-cache-dir . \
    && rm -rf /app/build /app/*.egg-info \
    && chown javskoll:javskoll /app

USER javskoll

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4); sys.exit(0 if r.status == 200 else 1)"]

CMD ["javskoll", "serve", "--host", "0.0.0.0", "--port", "8000"]
