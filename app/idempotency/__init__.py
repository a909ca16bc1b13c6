"""Idempotency-Key support for the POSTs that create records (see middleware.py)."""

from app.idempotency.middleware import IdempotencyMiddleware

__all__ = ["IdempotencyMiddleware"]
