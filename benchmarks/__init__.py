"""Benchmarks (scripts, not tests): `python -m benchmarks.run` or `make bench`."""
