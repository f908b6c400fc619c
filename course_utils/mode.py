"""Which world are we in: real (hub checkpoints) or smoke (offline, tiny local checkpoints)?

The decision is made once, when ``course_utils`` is imported, because Hugging Face libraries read
``HF_HUB_OFFLINE`` / ``HF_ENDPOINT`` when *they* are imported. Notebooks therefore import ``course_utils``
before ``transformers``.

Order of the rules (the first that applies wins, and the reason is kept for the environment report):
1. ``COURSE_MODE=smoke`` or ``COURSE_MODE=real`` set by the user or CI.
2. ``CI`` is set (GitHub Actions, our ``.ci/run``) -> smoke.
3. ``HF_HUB_OFFLINE=1`` already set -> smoke (the user asked for offline work).
4. The hub answers a short TCP probe -> real; otherwise smoke, and the report says why.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

DEFAULT_ENDPOINT = "https://huggingface.co"
MIRROR_ENDPOINT = "https://hf-mirror.com"
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Mode:
    """The chosen world and the human-readable reason for choosing it."""

    smoke: bool
    reason: str

    @property
    def name(self) -> str:
        return "smoke（离线冒烟模式：小模型 + 课程自带数据）" if self.smoke else "real（真实模型，从 Hub 下载）"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def hub_endpoint() -> str:
    """The hub address the libraries will use (the mirror when HF_ENDPOINT points to it)."""
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def hub_reachable(endpoint: str | None = None, timeout_s: float = 2.0) -> bool:
    """True when a TCP connection to the hub's host opens within ``timeout_s`` seconds."""
    host = urlparse(endpoint or hub_endpoint()).hostname or "huggingface.co"
    try:
        with socket.create_connection((host, 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def decide_mode() -> Mode:
    """Apply the rules in the module docstring and return the mode (no side effects)."""
    forced = os.environ.get("COURSE_MODE", "").strip().lower()
    if forced in {"smoke", "real"}:
        return Mode(forced == "smoke", f"环境变量 COURSE_MODE={forced}")
    if forced:
        raise ValueError(f"COURSE_MODE 只能是 'smoke' 或 'real'，现在是 {forced!r}。请改正或删除这个环境变量。")
    if os.environ.get("CI"):
        return Mode(True, "检测到 CI 环境变量（自动测试环境，没有网络）")
    if _env_flag("HF_HUB_OFFLINE"):
        return Mode(True, "HF_HUB_OFFLINE=1（你要求离线工作）")
    if hub_reachable():
        return Mode(False, f"能连上 {hub_endpoint()}")
    return Mode(True, f"连不上 {hub_endpoint()}（没有网络？在国内可以试试 use_hf_mirror()）")


def go_offline() -> None:
    """Make every Hugging Face library fail fast instead of waiting on the network."""
    for name in OFFLINE_VARIABLES:
        os.environ[name] = "1"


_MODE: Mode | None = None


def current_mode() -> Mode:
    """The mode of this Python process, decided once and cached."""
    global _MODE
    if _MODE is None:
        _MODE = decide_mode()
        if _MODE.smoke:
            go_offline()
    return _MODE


def is_smoke() -> bool:
    """True in smoke mode (CI, offline): notebooks use tiny local models and bundled data."""
    return current_mode().smoke


def reset_mode_for_tests() -> None:
    """Forget the cached decision (tests switch worlds with environment variables)."""
    global _MODE
    _MODE = None
