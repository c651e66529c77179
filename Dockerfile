# helpdesk-kpis as a container: `serve` by default (the /kpi endpoint and the jobs), any role or
# command by arguments (`serve --role endpoint`, `sync`, `config check`). Configuration comes from
# the environment (DATABASE_URL, tokens, HELPDESK_KPIS_CONFIG) and a mounted helpdesk-kpis.toml;
# see docs/deploy.md and compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The package installed from this checkout, with the PostgreSQL driver for shared stores.
WORKDIR /opt/helpdesk-kpis
COPY pyproject.toml README.md ./
COPY connectors ./connectors
COPY kpis ./kpis
COPY notifiers ./notifiers
COPY helpdesk_kpis ./helpdesk_kpis
RUN pip install --no-compile '.[postgres]' && rm -rf /opt/helpdesk-kpis

# Never root: a user of its own, whose home is the working directory (a SQLite store, if one is
# used, lives here; mount a volume on it to keep it).
RUN useradd --system --uid 10001 --create-home --home-dir /srv/helpdesk-kpis helpdesk-kpis
USER helpdesk-kpis
WORKDIR /srv/helpdesk-kpis

EXPOSE 3000
# /healthz answers 200 while ok or degraded and 503 when down (the store unreachable).
# HEALTHCHECK_PORT: the port the process was given (`--port`), 3000 unless changed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTHCHECK_PORT', '3000'), timeout=4)"]

ENTRYPOINT ["helpdesk-kpis"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
