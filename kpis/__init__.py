"""The KPI core: record types, the store and the KPI computations. Imports no vendor SDK."""
