"""Production WSGI server: waitress (pure Python, threaded, no reload or debugger).

Two things waitress does not do by default, and that a server anyone can reach must:

* **Idle and slow clients cannot lock the others out.** Waitress stops accepting once
  ``connection_limit`` connections are open (100 by default) and closes an idle one only after
  ``channel_timeout`` (120 s, checked every 30 s): 110 idle sockets used to lock everyone out for
  two minutes. The limit is raised well above that (file descriptors permitting) and an idle
  connection is closed after ``IDLE_TIMEOUT`` seconds.
* **Its own error responses look like ours.** A request waitress cannot parse (400), whose
  headers are too large (431) or that asks for a transfer coding it does not implement (501)
  never reaches the app; ``ErrorTask`` answers it. Ours adds the app's security headers and
  answers ``{"error": …}`` JSON on ``/api/`` like the app's own errors.
"""
from __future__ import annotations

import json
import logging
import resource

import waitress
from flask import Flask
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from .errors import MESSAGES
from .security import SECURITY_HEADERS

log = logging.getLogger(__name__)

CONNECTION_LIMIT = 1000  # open connections before waitress stops accepting
IDLE_TIMEOUT = 15  # seconds a connection may stay silent before it is closed
CLEANUP_INTERVAL = 2  # seconds between checks for idle connections
_FD_HEADROOM = 64  # descriptors kept for the index files, logs and the listening socket

_SERVER_MESSAGES = {
    400: MESSAGES[400],
    413: "请求体过大",
    431: "请求头过大",
    501: "不支持的传输编码",
}


def _request_path(request: object) -> str:
    """The request target's path, also for a 431, where waitress records "/" because it gave up
    before parsing: the first line it did receive is still in ``header_plus``."""
    if getattr(getattr(request, "error", None), "code", None) == 431:
        first = bytes(getattr(request, "header_plus", b"") or b"").lstrip().split(b"\r\n", 1)[0]
        parts = first.split(b" ")
        return parts[1].decode("latin-1") if len(parts) >= 2 else ""
    return str(getattr(request, "path", "") or "")


def error_body(code: int, reason: str, path: str) -> tuple[str, bytes]:
    """``(content type, body)`` of an error the server answers itself."""
    message = _SERVER_MESSAGES.get(code, reason)
    if path.startswith("/api/"):
        return "application/json", json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    return "text/plain; charset=utf-8", f"{code} {reason}: {message}\n".encode()


class SecureErrorTask(ErrorTask):
    """Waitress's own error response, with our security headers and JSON on ``/api/``."""

    def execute(self) -> None:
        error = self.request.error
        content_type, body = error_body(error.code, error.reason, _request_path(self.request))
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", content_type), *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class SecureChannel(HTTPChannel):
    error_task_class = SecureErrorTask


def connection_limit(wanted: int = CONNECTION_LIMIT) -> int:
    """``wanted``, raising the soft descriptor limit towards the hard one if needed, or as many
    connections as the descriptors allow."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + _FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft - _FD_HEADROOM))


def create_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
                  idle_timeout: int = IDLE_TIMEOUT, connections: int = CONNECTION_LIMIT):
    """A waitress server with our limits and error responses (not yet running)."""
    server = waitress.create_server(
        app, host=host, port=port, threads=threads, ident="policysearch",
        connection_limit=connection_limit(connections), channel_timeout=idle_timeout,
        cleanup_interval=min(CLEANUP_INTERVAL, idle_timeout),
    )
    server.channel_class = SecureChannel
    return server


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          idle_timeout: int = IDLE_TIMEOUT) -> None:
    """Serve until interrupted; binds loopback unless told otherwise, since there is no login."""
    server = create_server(app, host, port, threads, idle_timeout)
    log.info("policysearch listening on http://%s:%d/ (%d threads, %d connections, idle timeout %d s)",
             host, port, threads, server.adj.connection_limit, idle_timeout)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
