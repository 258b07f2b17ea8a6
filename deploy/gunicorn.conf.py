"""gunicorn settings for `inspect-web.service` (read with `--config deploy/gunicorn.conf.py`).

Each value comes from the environment file (/etc/inspect/inspect.env) when set there."""

import os

# nginx on the same machine forwards to this address; never expose it beyond localhost.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers; about 2 per core. Requests are short; uploads are buffered by nginx first.
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (memory stays flat over months of uptime).
max_requests = 2000
max_requests_jitter = 200
# gunicorn's own messages (start, stop, worker restarts); requests are logged by the app
# (LOG_FORMAT=json, LOG_FILE).
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
accesslog = None
# Forwarded headers are trusted by the app itself (TRUSTED_PROXIES, werkzeug's ProxyFix).
forwarded_allow_ips = "127.0.0.1"
proc_name = "inspect-web"
