"""WSGI entry point: `gunicorn wsgi:app`."""

from inspect_app import create_app
from inspect_app.core.runtime import tune_garbage_collector

app = create_app()
tune_garbage_collector()
