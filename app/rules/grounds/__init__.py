"""Explicit registration: importing this package registers every rule (no file scanning)."""

from app.rules.grounds import (  # noqa: F401
    ansvarsfrihet,
    fullmaktige,
    generalklausul,
    part,
    paverkan,
    stallforetradare,
    structural,
    tillsynsjav,
    tvainstans,
    undantag,
)
