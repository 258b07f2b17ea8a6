"""Serve the app for the browser tests in its own process: `python -m tests.browser.serve DIR`.

A separate process keeps the server's module-level state (the clock, libraries that change
global settings when a PDF is rendered) away from the test process. The database is a SQLite
file in DIR, created and seeded with `flask seed-demo` unless DIR holds one already (a copy of
the session's seeded folder); the chosen port is printed on stdout. With `--seed-only` the
folder is seeded and the process ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

from werkzeug.serving import make_server

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db

DATABASE = "browser.db"


def browser_config(folder: Path) -> type:
    class BrowserTestConfig(TestingConfig):
        TESTING = False  # answer like production: error pages, not tracebacks
        SECRET_KEY = "browser-tests-secret-key-0123456789"  # noqa: S105
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / DATABASE}"
        UPLOAD_FOLDER = str(folder / "uploads")

    return BrowserTestConfig


def main(folder: Path, seed_only: bool = False) -> None:
    app = create_app(browser_config(folder))
    if not (folder / DATABASE).exists():
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        if result.exit_code != 0:
            sys.stderr.write(result.output + repr(result.exception))
            sys.exit(1)
    if seed_only:
        return
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]), seed_only="--seed-only" in sys.argv[2:])
