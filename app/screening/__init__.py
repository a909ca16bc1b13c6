"""Screening: the loader (registry → facts snapshot), party matching, and the API side."""

# Keeps the name index in step with every Person/Organisation write (session listener).
from app.screening import name_index as _name_index  # noqa: F401
