"""The mirror switch, end to end: a learner whose first probe failed calls ``use_hf_mirror()`` after ``import
course_utils``, in the same process, and then downloads from the mirror (a hub-like server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

CONFIG = json.dumps({"model_type": "qwen2", "served_by": "local mirror"}).encode()


class FakeHub(BaseHTTPRequestHandler):
    """Answers ``/{repo}/resolve/{revision}/{file}`` the way the hub does, for one file."""

    files = {"/Qwen/Qwen2.5-0.5B-Instruct/resolve/main/config.json": CONFIG}

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(with_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(with_body=True)

    def _answer(self, with_body: bool) -> None:
        data = self.files.get(self.path.split("?")[0])
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("X-Repo-Commit", "1" * 40)
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def mirror() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


LEARNER = """
import json, os, sys
import course_utils                                   # the first probe fails: no hub from here
first = course_utils.current_mode()
assert first.smoke and first.probe_failed, first
assert os.environ.get("HF_HUB_OFFLINE") == "1"
course_utils.use_hf_mirror(sys.argv[1])               # what the FAQ tells a learner in China to run
now = course_utils.current_mode()
assert now.world == "real", now
assert "HF_HUB_OFFLINE" not in os.environ and os.environ["HF_ENDPOINT"] == sys.argv[1]
from huggingface_hub import constants, hf_hub_download
assert constants.ENDPOINT == sys.argv[1], constants.ENDPOINT
path = hf_hub_download("Qwen/Qwen2.5-0.5B-Instruct", "config.json", cache_dir=sys.argv[2])
print(json.load(open(path))["served_by"])
"""


def _learner_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"COURSE_MODE", "CI", "HF_ENDPOINT", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE",
                        "HF_HUB_CACHE", "COURSE_HF_MIRROR"}}
    env["HF_ENDPOINT"] = "http://127.0.0.1:9"  # the "official" hub the learner cannot reach (port 9 is closed)
    env["HF_HOME"] = str(tmp_path / "hf-home")
    return env


def test_mirror_switch_works_after_import_in_one_process(mirror, tmp_path) -> None:
    result = subprocess.run([sys.executable, "-c", LEARNER, mirror, str(tmp_path / "cache")], env=_learner_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("local mirror")
    assert "retry_hub" in result.stderr  # the failed first probe was announced, not silent


def test_environment_switch_uses_the_mirror_from_the_start(mirror, tmp_path) -> None:
    env = {**_learner_env(tmp_path), "COURSE_HF_MIRROR": mirror}
    script = "import course_utils\nprint(course_utils.current_mode().world, course_utils.mode.hub_endpoint())"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["real", mirror] and "retry_hub" not in result.stderr
