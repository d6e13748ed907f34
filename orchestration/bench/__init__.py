"""Benchmarks: scripts that measure, run by hand or `make bench`, never as timed tests."""
