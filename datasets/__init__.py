"""Curated data with sources (``reactivity.datasets``), read with importlib.resources."""
