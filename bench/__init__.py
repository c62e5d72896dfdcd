"""Benchmarks (see bench/README.md): not imported by the app."""
