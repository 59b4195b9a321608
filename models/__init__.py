"""Packaged model artefacts (``reactivity.models``): joblib files, their hashes and MODEL.md."""
