"""Altair chart builders: each takes a result object and returns a chart."""
