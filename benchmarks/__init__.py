"""Performance benchmark at scale (issue 9, item 5): `python benchmarks/run.py`."""
