"""Absolute links come from the configured public base URL, never from the request.

Flask builds external URLs (permalinks in the API, the Atom feed, citations, the CSV export)
from the request's ``Host`` header, which the client chooses: a forged ``Host: evil.example``
would put that host into every link the response hands out (and into feeds that readers
cache). This middleware overwrites the scheme, host, port and script prefix of every request's
WSGI environ with those of ``PUBLIC_BASE_URL`` before Flask sees it, so every URL the app builds,
by ``url_for(_external=True)`` or ``request.host_url``, starts with the configured base.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from indexer.errors import PolicySearchError

__all__ = ["DEFAULT_BASE_URL", "PublicBaseURL", "parse_base_url"]

DEFAULT_BASE_URL = "http://localhost"
_DEFAULT_PORTS = {"http": "80", "https": "443"}


class BaseURLError(PolicySearchError):
    """The configured public base URL cannot be used."""


def parse_base_url(url: str) -> tuple[str, str, str, str, str]:
    """``(scheme, host header, server name, port, path prefix)`` of an ``http(s)://host[:port][/prefix]``."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port == -1 or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise BaseURLError(f"public base URL must look like http(s)://host[:port][/path], got {url!r}")
    return (parts.scheme, parts.netloc, parts.hostname, str(port or _DEFAULT_PORTS[parts.scheme]),
            parts.path.rstrip("/"))


class PublicBaseURL:
    """WSGI middleware: every request looks as if it came to ``base_url``."""

    def __init__(self, app: Callable[..., Iterable[bytes]], base_url: str) -> None:
        self.app = app
        self.scheme, self.host, self.server_name, self.port, self.prefix = parse_base_url(base_url)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ.update({
            "wsgi.url_scheme": self.scheme, "HTTP_HOST": self.host, "SERVER_NAME": self.server_name,
            "SERVER_PORT": self.port, "SCRIPT_NAME": self.prefix,
        })
        for name in ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED"):
            environ.pop(name, None)
        return self.app(environ, start_response)
