"""Detectors: find typed values (identifiers, names, dates, tests) in records and tables."""
