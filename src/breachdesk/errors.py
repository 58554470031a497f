"""Errors a user can act on: one line naming the input, the problem and the fix."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a bad invocation; the CLI prints it as one line and exits 2."""
