"""breachdesk: incident response for a leaked pathology dump."""

from __future__ import annotations

__version__ = "0.1.0"
