"""The machine's ceiling: a minimal Flask route under the same gunicorn settings as Repères."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    """The smallest useful response."""
    return "Bonjour"
