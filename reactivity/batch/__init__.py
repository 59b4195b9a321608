"""Streaming I/O and batch orchestration: records in, annotated records out, in chunks."""
