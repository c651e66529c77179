"""What `/metrics` shows, in Prometheus' text format (prometheus-client's default registry).

Counters are per process, as Prometheus expects: it scrapes each process and sums. Labels:
``instance`` is a connector instance (``zendesk:acme``), ``outcome`` what became of a request or
a post. The process's own collectors (CPU, memory, open files) come with the registry.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

SYNC_PAGES = Counter("helpdesk_kpis_sync_pages", "Pages a sync stored", ["instance"])
SYNC_RECORDS = Counter("helpdesk_kpis_sync_records", "Records a sync stored", ["instance"])
SYNC_RETRIES = Counter("helpdesk_kpis_sync_retries", "Helpdesk requests retried (a fault or a 429)", ["instance"])
SYNC_RATE_LIMITED = Counter("helpdesk_kpis_sync_rate_limited", "Helpdesk answers of 429 Too Many Requests", ["instance"])
SYNC_WAITED = Counter("helpdesk_kpis_sync_wait_seconds", "Seconds a sync waited on rate limits and retries", ["instance"])
SYNC_RUNS = Counter("helpdesk_kpis_sync_runs", "Syncs of a connector instance by outcome", ["instance", "outcome"])
SLASH_REQUESTS = Counter("helpdesk_kpis_slash_requests", "/kpi requests by outcome (answered, refused, failed)", ["outcome"])
#: Buckets around Slack's 3-second deadline for the acknowledgement.
SLASH_SECONDS = Histogram("helpdesk_kpis_slash_seconds", "Time to the /kpi acknowledgement",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0))
POSTS = Counter("helpdesk_kpis_posts", "Digests and alerts posted to Slack, or failed", ["kind", "outcome"])
LEADER = Gauge("helpdesk_kpis_leader", "1 while this process runs the scheduled jobs, else 0")


def outcome_of(status: int) -> str:
    """A /kpi request's outcome from its HTTP status."""
    if status < 400:
        return "answered"
    return "refused" if status < 500 else "failed"


def exposition() -> tuple[bytes, str]:
    """The body and content type of a `/metrics` answer."""
    return generate_latest(), CONTENT_TYPE_LATEST
