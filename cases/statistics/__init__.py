"""Statistics for the union: the rollup, the dashboards, exports (see docs/architecture.md)."""
