"""The ceiling: a hello-world Flask view, served by the same gunicorn command as the product."""

from flask import Flask

app = Flask(__name__)


@app.route("/healthz")
@app.route("/")
def hello():
    return "Hello, World!"
