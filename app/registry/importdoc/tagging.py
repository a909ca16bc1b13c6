"""The organisations of the persons an import changed facts about (the audit tags).

The audit's own query answers it (`app.audit.organisations.person_organisations`: on
PostgreSQL one statement with an array parameter, as the import of a national registry
needs), so the import tags an entry exactly as every other audited write does.
"""

from __future__ import annotations

from app.audit.organisations import person_organisations

__all__ = ["person_organisations"]
