"""ML Strategy Dashboard core: the rules, statistics, CSV ingest, store and command line.

Pure Python: importable without Streamlit (see tests/core/test_architecture.py).
"""

__version__ = "0.1.0"
