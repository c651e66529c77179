"""The KPI block cache: per UTC day and team, the KPI columns of the store's records as packed numpy
arrays, so that a report reads a few dozen blobs instead of a million rows (see docs/performance.md)."""
