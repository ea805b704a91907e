"""Benchmarks of Repères (not tests): `python -m bench --help`."""
