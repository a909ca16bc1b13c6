"""Benchmark tooling: a deterministic Sweden-scale registry generator and an open-loop
load harness that drives a real `javskoll serve` process (see BENCHMARKS.md)."""
