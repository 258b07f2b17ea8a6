"""Request logs for operators: with LOG_FORMAT=json, one JSON line per request (time, method,
path, route, endpoint, status, duration in ms, user id, client address), written to LOG_FILE
(reopened after logrotate moves it) or to standard error. The application's own messages
(errors with their traceback) become JSON lines on the same stream."""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, request
from flask_login import current_user

LOGGER = "inspect_app.requests"


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, its `fields`, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_request_log(app: Flask) -> None:
    """Log every request as a JSON line when LOG_FORMAT is `json` (else leave logging alone)."""
    if (app.config.get("LOG_FORMAT") or "").lower() != "json":
        return
    path = app.config.get("LOG_FILE")
    handler: logging.Handler = (
        logging.handlers.WatchedFileHandler(path, encoding="utf-8")
        if path
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger(LOGGER)
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    app.logger.handlers[:] = [handler]

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started is not None else None
        user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
        fields = {
            "method": request.method,
            "path": request.path,
            "route": request.url_rule.rule if request.url_rule else None,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round(duration, 1) if duration is not None else None,
            "user_id": int(user_id) if user_id else None,
            "remote_addr": request.remote_addr,
        }
        log.info(
            "%s %s %s", request.method, request.path, response.status_code, extra={"fields": fields}
        )
        return response
