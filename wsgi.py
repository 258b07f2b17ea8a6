"""WSGI entry point: `gunicorn wsgi:app`."""

from inspect_app import create_app

app = create_app()
