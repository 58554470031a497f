"""Alembic migrations for the helpline database (run by ``db.migrate``)."""
