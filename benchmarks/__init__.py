"""Benchmarks for reportqa (``python -m benchmarks.run``); not part of the unit tests."""
