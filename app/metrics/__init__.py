"""Prometheus metrics: instruments, HTTP middleware, the /metrics route and its scrape."""
