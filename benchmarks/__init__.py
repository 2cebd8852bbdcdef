"""Performance benchmark at scale: `python benchmarks/run.py`."""
