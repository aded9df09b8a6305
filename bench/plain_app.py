"""The yardstick: a plain Flask JSON endpoint, served the same way as the real app."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/plain")
def plain():
    return jsonify({"ok": True, "slots": [{"start": f"{h:02d}:00", "remaining": 3} for h in range(8, 18)]})


@app.post("/plain")
def plain_post():
    return jsonify({"ok": True}), 201
