"""Benchmark sets: which are loaded (list_benchmarks) and where an account sits in one (lookup)."""
