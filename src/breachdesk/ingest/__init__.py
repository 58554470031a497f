"""Ingest: walk the dump, open archives safely, decide every file's real type and status."""
