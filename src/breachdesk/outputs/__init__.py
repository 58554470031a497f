"""Outputs: the register export and the evaluation against ground truth."""
