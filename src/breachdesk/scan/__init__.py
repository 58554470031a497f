"""Scan: read every ok file with its reader and run the detectors over what it yields."""
