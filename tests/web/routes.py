"""Every route of the web app, by how it is reached (a page or a form).

tests/web/test_web_security.py checks each one for session, CSRF and headers, and fails
when the app has a route outside /v1 and the API docs that is not listed here;
tests/security/test_scope_matrix.py takes the list so that its every-route check holds.
"""

from __future__ import annotations

# Signed out: the sign-in form, the language switch, the accessibility statement.
PUBLIC_PAGES = frozenset({("GET", "/logga-in"), ("GET", "/sprak"), ("GET", "/tillganglighet")})
PUBLIC_FORMS = frozenset({("POST", "/logga-in")})
PAGES = frozenset(
    {
        ("GET", "/"),
        ("GET", "/arenden"),
        ("GET", "/arenden/nytt"),
        ("GET", "/arenden/{ref}"),
        ("GET", "/register"),
        ("GET", "/register/personer/{ref}"),
        ("GET", "/register/namnder/{ref}"),
        ("GET", "/register/organisationer/{ref}"),
        ("GET", "/revision"),
        ("GET", "/revision/rapporter/{name}"),
        ("GET", "/sammantraden"),
        ("GET", "/sammantraden/{ref}"),
    }
)
FORMS = frozenset(
    {
        ("POST", "/logga-ut"),
        ("POST", "/arenden/nytt"),
        ("POST", "/arenden/granska"),
        ("POST", "/arenden/beslut"),
        ("POST", "/revision/verifiera"),
        ("POST", "/sammantraden/nytt"),
        ("POST", "/sammantraden/narvaro"),
    }
)
WEB_ROUTES = PUBLIC_PAGES | PUBLIC_FORMS | PAGES | FORMS
