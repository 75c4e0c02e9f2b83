"""Benchmarks (reports, not tests): ``python -m benchmarks.nport_bench``."""
