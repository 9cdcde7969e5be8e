"""Read-only, locked-down HTTP surface: GET/HEAD only and security headers on every response.

The app has no forms that change state, so refusing every other method removes the CSRF surface
entirely; the CSP forbids inline script and inline style, which the templates never use.
"""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed

ALLOWED_METHODS = ("GET", "HEAD")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _only_read_methods() -> None:
    """Also catches OPTIONS on the static route, which Flask registers before our config applies."""
    if request.method not in ALLOWED_METHODS:
        raise MethodNotAllowed(valid_methods=list(ALLOWED_METHODS))


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_only_read_methods)
    app.after_request(_add_headers)
