"""Packaged model artefacts (``reactivity.models``): the pKa model and the stability reference-panel model (array
archives, no pickle), their hashes and MODEL.md."""
