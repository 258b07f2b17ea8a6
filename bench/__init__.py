"""Benchmarks: a bulk data generator and one command per scenario (see bench/README.md)."""
