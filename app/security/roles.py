"""Roles and what each may do: a static table, checked by one dependency."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    REGISTRY = "registry"
    SCREENER = "screener"
    AUDITOR = "auditor"


class Permission(StrEnum):
    REGISTRY_READ = "registry:read"
    REGISTRY_WRITE = "registry:write"
    CASE_READ = "case:read"
    CASE_WRITE = "case:write"
    SCREEN = "screen"
    DECIDE = "decide"
    AUDIT_READ = "audit:read"
    REPORT_READ = "report:read"
    KEYS_MANAGE = "keys:manage"
    VOCABULARY_WRITE = "vocabulary:write"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.REGISTRY: frozenset(
        {Permission.REGISTRY_READ, Permission.REGISTRY_WRITE, Permission.CASE_READ}
    ),
    Role.SCREENER: frozenset(
        {
            Permission.REGISTRY_READ,
            Permission.CASE_READ,
            Permission.CASE_WRITE,
            Permission.SCREEN,
            Permission.DECIDE,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.REGISTRY_READ,
            Permission.CASE_READ,
            Permission.AUDIT_READ,
            Permission.REPORT_READ,
        }
    ),
}
