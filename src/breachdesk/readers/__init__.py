"""Per-format readers: bytes plus a name in, tables and records with locators out."""
