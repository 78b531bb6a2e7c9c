"""The MLflow adapter's failures, against a small local HTTP server that answers as told: each is a
RegistryUnavailable naming what went wrong, never an empty catalogue."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from registries.adapters import RegistryUnavailable
from registries.mlflow import MLflowAdapter
from tests.registries.mlflow_server import free_port


class Answers(http.server.BaseHTTPRequestHandler):
    script: list[tuple[int, bytes]] = []
    seen: list[tuple[str, str]] = []

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization", "")))
        status, body = self.script.pop(0) if self.script else (200, b"{}")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    Answers.script, Answers.seen = [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def page(key: str, rows: list, token: str = "") -> tuple[int, bytes]:
    return 200, json.dumps({key: rows, **({"next_page_token": token} if token else {})}).encode()


def test_pages_are_followed_and_the_token_is_sent(server):
    Answers.script = [
        page("registered_models", [{"name": "fraud", "aliases": [{"alias": "champion", "version": "2"}]}], "p2"),
        page("registered_models", [{"name": "churn", "description": "Churn"}]),
        page("model_versions", [{"name": "fraud", "version": "2", "current_stage": "None",
                                 "tags": [{"key": "sha256", "value": "ab"}]}], "v2"),
        page("model_versions", [{"name": "churn", "version": "1", "run_id": "r9"}]),
    ]
    found = MLflowAdapter(server, token="t0k").versions()
    assert [(v.name, v.version, v.aliases, v.digest, v.run_id, v.description) for v in found] == [
        ("fraud", "2", ("champion",), "ab", "", ""), ("churn", "1", (), "", "r9", "Churn")]
    assert "page_token=p2" in Answers.seen[1][0] and "page_token=v2" in Answers.seen[3][0]
    assert {auth for _, auth in Answers.seen} == {"Bearer t0k"}


@pytest.mark.parametrize("answer, message", [
    ((500, b"{}"), "answered api/2.0/mlflow/registered-models/search with HTTP 500"),
    ((403, b"{}"), "with HTTP 403"),
    ((200, b"<html>proxy login</html>"), "something that is not JSON"),
    ((200, b"[1, 2]"), "JSON that is not an object"),
    ((200, b'{"registered_models": "nope"}'), "without a list of registered_models"),
])
def test_a_bad_answer_is_a_reported_failure(server, answer, message):
    Answers.script = [answer]
    with pytest.raises(RegistryUnavailable, match=message):
        MLflowAdapter(server).versions()


def test_a_version_without_a_number_is_refused(server):
    Answers.script = [page("registered_models", []), page("model_versions", [{"name": "fraud"}])]
    with pytest.raises(RegistryUnavailable, match="without a name or number"):
        MLflowAdapter(server).versions()


def test_nobody_listening_is_a_reported_failure():
    with pytest.raises(RegistryUnavailable, match="could not be reached"):
        MLflowAdapter(f"http://127.0.0.1:{free_port()}").versions()


def test_a_server_too_slow_is_a_reported_failure(server, monkeypatch):
    import time

    def slow(self):
        time.sleep(1.5)

    monkeypatch.setattr(Answers, "do_GET", slow)
    with pytest.raises(RegistryUnavailable, match="could not be reached"):
        MLflowAdapter(server, timeout=0.3).versions()
