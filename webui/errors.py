"""Every error a person can cause becomes a 4xx with a readable message, never a traceback.

API routes (``/api/...``, the CSV export and the Atom feed) answer ``{"error": "..."}`` in JSON;
pages answer with the error page. Unexpected exceptions are logged and shown as a plain 500.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import PolicySearchError, QueryError

from .security import ALLOWED_METHODS

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求参数有误",
    404: "未找到该页面或文档",
    405: "本站只读，只接受 GET 和 HEAD 请求",
    500: "服务器内部错误，请稍后再试",
    503: "索引暂时不可用，请稍后再试",
}


def wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def error_response(status: int, message: str) -> Response:
    if wants_json():
        response = jsonify(error=message)
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def _query_error(exc: QueryError) -> Response:
    return error_response(400, str(exc))


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    response = error_response(status, MESSAGES.get(status, exc.name))
    if status == 405:
        response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def _index_error(exc: PolicySearchError) -> Response:
    """The index became unusable while serving (e.g. replaced by an incompatible rebuild)."""
    log.error("index error while serving %s: %s", request.path, exc)
    return error_response(503, MESSAGES[503])


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.path, exc_info=exc)
    return error_response(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(PolicySearchError, _index_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
