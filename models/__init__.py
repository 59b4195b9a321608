"""Packaged model artefacts (``reactivity.models``): the pKa model (array archive), the stability reference model
(joblib), their hashes and MODEL.md."""
