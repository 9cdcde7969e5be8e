"""Production WSGI server: waitress (pure Python, threaded, no reload or debugger)."""
from __future__ import annotations

import logging

import waitress
from flask import Flask

log = logging.getLogger(__name__)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve until interrupted; binds loopback unless told otherwise, since there is no login."""
    log.info("policysearch listening on http://%s:%d/ (%d threads)", host, port, threads)
    waitress.serve(app, host=host, port=port, threads=threads, ident="policysearch")
