"""Benchmarks and their helpers (docs/PERFORMANCE.md). Not part of the product or of the test suite."""
