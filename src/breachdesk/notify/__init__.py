"""Notify: one pack per controller, with patient letter drafts, and a checksummed manifest."""
