"""Flask web UI and JSON API over the policysearch index.

``create_app`` opens the index, warms the analyzer and builds the search tables (facets, date
keys) once, so the first search is as fast as the rest and a missing, locked or corrupt index is
reported at start-up, not as a 500 later. The corpus tables (``indexer.corpustables``) read every
stored document (about a second on the whole corpus), so they are built in a background thread
started once the first request is answered (``WARM_LIFECYCLE``), not before the server is ready
(the target is 3 s); a document page asked for meanwhile waits for that build instead of
starting its own.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from indexer.query import spelling_vocabulary
from indexer.resultcache import DEFAULT_ENTRIES

from . import api, decisions, departments, document, errors, exports, help, meetings, search, security
from .baseurl import DEFAULT_BASE_URL, PublicBaseURL
from .resources import open_resources, resources
from .tables import corpus_tables, department_directory

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app for the index folder in ``INDEX_DIR``.

    Raises a ``PolicySearchError`` subclass with a readable message when the index cannot be used,
    so the CLI can print it instead of a traceback.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("POLICYSEARCH_INDEX", "var/index"),
        TESTING=False,
        WARM_LIFECYCLE=True,
        PROVIDE_AUTOMATIC_OPTIONS=False,
        PUBLIC_BASE_URL=DEFAULT_BASE_URL,  # absolute links start with this, never the Host header
        EXPORT_SLOTS=exports.DEFAULT_SLOTS,  # CSV exports running at once; more are a 503 (webui.exports)
        EXPORT_SECONDS=exports.DEFAULT_SECONDS,  # an export stops here, saying so in its last row
        RESULT_CACHE=DEFAULT_ENTRIES,  # answers kept per index generation (indexer.resultcache); 0: none
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.wsgi_app = PublicBaseURL(app.wsgi_app, app.config["PUBLIC_BASE_URL"])  # type: ignore[method-assign]
    app.extensions["policysearch"] = open_resources(app.config["INDEX_DIR"], app.config["RESULT_CACHE"])
    security.init_app(app)
    errors.init_app(app)
    exports.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(document.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(decisions.bp)
    app.register_blueprint(help.bp)
    app.register_blueprint(meetings.bp)
    departments.register(app)
    with app.app_context():
        resources().store.snapshot()  # builds the search tables (facet columns, date order)
    if app.config["WARM_LIFECYCLE"]:
        started = threading.Event()

        @app.after_request
        def warm_once(response: Any) -> Any:
            """Start building after the first answer, so it does not delay the first search."""
            if not started.is_set():
                started.set()
                threading.Thread(target=_warm, args=(app,), name="warm-lifecycle", daemon=True).start()
            return response
    log.info("serving index %s", app.config["INDEX_DIR"])
    return app


def _warm(app: Flask) -> None:
    """Build the department directory (search pages link departments), the corpus tables
    (document pages, decisions) and the spelling vocabulary (searches that find little) ahead of
    the first page that needs them, the ones most pages need first."""
    try:
        with app.app_context():
            department_directory()
            corpus_tables()
            spelling_vocabulary(resources().store)
    except Exception:  # the page that needs them will build them and report the error itself
        log.exception("could not prepare the lifecycle tables")
