"""Benchmarks that print numbers (``python -m bench``); never timed tests. See docs/operations.md."""
