"""Benchmarks: scripts that print figures, run by hand."""
