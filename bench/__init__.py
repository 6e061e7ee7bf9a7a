"""Benchmarks: `bench/run [NAME …]`. Each benchmark module prints its figures and writes bench/out/NAME.json."""
