"""Which world are we in, and what that means for the Hugging Face libraries. The one owner of that state.

Three worlds, one code path:

- **real**: Colab or any machine that reaches the hub (or a mirror): real checkpoints are downloaded.
- **rehearsal**: the real-mode code path offline (CI): every real setting, every real hub id, served from a private
  cache of real-shaped imitations (``course_utils.imitations``), never from the learner's own Hugging Face cache.
- **smoke**: tiny stand-ins and small settings, seconds per notebook.

The decision is made when ``course_utils`` is imported, because Hugging Face libraries read ``HF_ENDPOINT``,
``HF_HUB_OFFLINE`` and ``HF_HUB_CACHE`` when *they* are imported; notebooks import ``course_utils`` first. Rules, the
first that applies wins (the reason is kept for the environment report):

1. ``COURSE_MODE=real|rehearsal|smoke`` set by the user or CI.
2. ``CI`` is set -> smoke.
3. ``HF_HUB_OFFLINE=1`` set by the user (not by us) -> smoke.
4. The hub (``HF_ENDPOINT``, or the mirror after ``use_hf_mirror()``) answers a short TCP probe -> real; otherwise smoke,
   with a loud warning that says how to retry, because a learner who wanted real models must not be dropped into toy
   ones silently.

Everything this module changes in ``os.environ`` is recorded, so a new decision (``use_hf_mirror()``,
``retry_hub()``) first undoes the previous one: a failed probe never leaves the process stuck offline.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import CourseError
from .hub import course_cache_dir

DEFAULT_ENDPOINT = "https://huggingface.co"
MIRROR_ENDPOINT = "https://hf-mirror.com"
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")
HF_MODULES = ("huggingface_hub", "transformers", "datasets", "sentence_transformers")
WORLDS = ("real", "rehearsal", "smoke")
PROBE_TIMEOUT_S = 2.0
_TRUE = {"1", "true", "yes", "on"}

WORLD_NAMES = {
    "real": "real（真实模型，从 Hub 下载）",
    "rehearsal": "rehearsal（彩排：离线走真实模式的每一步，模型是真实名字下的仿制品，输出没有意义）",
    "smoke": "smoke（离线冒烟模式：小模型 + 课程自带数据 + 小设置）",
}


@dataclass(frozen=True)
class Mode:
    """The chosen world and the human-readable reason for choosing it."""

    world: str
    reason: str
    probe_failed: bool = False  # smoke only because the hub did not answer: the learner may have wanted real

    @property
    def smoke(self) -> bool:
        return self.world == "smoke"

    @property
    def rehearsal(self) -> bool:
        return self.world == "rehearsal"

    @property
    def name(self) -> str:
        return WORLD_NAMES[self.world]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def hub_endpoint() -> str:
    """The hub address the libraries will use (the mirror when HF_ENDPOINT points to it)."""
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def hub_reachable(endpoint: str | None = None, timeout_s: float = PROBE_TIMEOUT_S) -> bool:
    """True when a TCP connection to the hub's host and port opens within ``timeout_s`` seconds."""
    url = urlparse(endpoint or hub_endpoint())
    port = url.port or (80 if url.scheme == "http" else 443)
    try:
        with socket.create_connection((url.hostname or "huggingface.co", port), timeout=timeout_s):
            return True
    except OSError:
        return False


def decide_mode() -> Mode:
    """Apply the rules in the module docstring and return the mode (no side effects)."""
    forced = os.environ.get("COURSE_MODE", "").strip().lower()
    if forced in WORLDS:
        return Mode(forced, f"环境变量 COURSE_MODE={forced}")
    if forced:
        raise CourseError(f"COURSE_MODE 只能是 real、rehearsal 或 smoke，现在是 {forced!r}。请改正或删除这个环境变量。")
    if os.environ.get("CI"):
        return Mode("smoke", "检测到 CI 环境变量（自动测试环境，没有网络）")
    if _env_flag("HF_HUB_OFFLINE"):
        return Mode("smoke", "HF_HUB_OFFLINE=1（你要求离线工作）")
    if hub_reachable():
        return Mode("real", f"能连上 {hub_endpoint()}")
    return Mode("smoke", f"{PROBE_TIMEOUT_S:.0f} 秒内连不上 {hub_endpoint()}", probe_failed=True)


def probe_failed_warning(mode: Mode) -> str:
    """The loud message for a learner who may have wanted real models but got the offline stand-ins."""
    return (
        f"⚠️ 注意：{mode.reason}，所以这次用的是**离线小模型**（冒烟模式），后面所有模型输出都没有意义。\n"
        "   如果你本来想用真实模型：先检查网络（Colab 上确认运行时已连接），然后运行\n"
        "       course_utils.retry_hub()\n"
        "   在国内可以改用社区镜像（非官方）：course_utils.use_hf_mirror()\n"
        "   这两个命令都要在导入 transformers 之前运行；已经导入过的话，先「重启会话」再从头运行。"
    )


# ------------------------------------------------------------------------------------------- the process's state

_MODE: Mode | None = None
_SET_BY_US: dict[str, str | None] = {}  # variable -> the value it had before we set it (None: it was unset)


def _set(name: str, value: str) -> None:
    if name not in _SET_BY_US:
        _SET_BY_US[name] = os.environ.get(name)
    os.environ[name] = value


def _undo() -> None:
    """Put back every environment variable this module changed."""
    for name, previous in _SET_BY_US.items():
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
    _SET_BY_US.clear()


def rehearsal_hub_cache() -> Path:
    """The private Hugging Face cache that serves the imitations in rehearsal (never the learner's own cache)."""
    return course_cache_dir() / "rehearsal-hub"


def _apply(mode: Mode) -> None:
    """Tell the Hugging Face libraries (not yet imported) what this world needs."""
    if mode.world == "real":
        return
    for name in OFFLINE_VARIABLES:  # offline worlds: every library fails fast instead of waiting on the network
        _set(name, "1")
    if mode.rehearsal:  # real hub ids resolve in the private cache of imitations
        _set("HF_HUB_CACHE", str(rehearsal_hub_cache()))


def current_mode() -> Mode:
    """The mode of this Python process, decided once (see ``redecide``) and applied to the environment."""
    global _MODE
    if _MODE is None:
        _MODE = decide_mode()
        _apply(_MODE)
        if _MODE.probe_failed:
            print(probe_failed_warning(_MODE), file=sys.stderr)
    return _MODE


def _refuse_after_hf_import(what: str) -> None:
    """The Hugging Face libraries read their settings once, when imported: later changes would silently do nothing."""
    imported = [name for name in HF_MODULES if name in sys.modules]
    if imported:
        raise CourseError(
            f"太晚了：{', '.join(imported)} 已经导入，{what}不会再生效。\n"
            "请点菜单「代码执行程序 → 重启会话」，然后在导入 transformers 之前先运行这一步"
            "（例如：import course_utils; course_utils.use_hf_mirror()）。"
        )


def redecide() -> Mode:
    """Undo what the last decision changed and decide again (after the endpoint or the network changed)."""
    global _MODE
    _refuse_after_hf_import("新的设置")
    _undo()
    _MODE = None
    return current_mode()


def retry_hub() -> Mode:
    """Probe the hub again (after fixing the network) and switch to real mode if it answers."""
    return redecide()


def use_hf_mirror(endpoint: str = MIRROR_ENDPOINT) -> str:
    """Opt in to a hub mirror (for learners in mainland China), then decide the world again by probing the mirror.

    Works after ``import course_utils`` as long as transformers and friends are not imported yet: they read
    ``HF_ENDPOINT`` once, when imported, so afterwards this refuses with the fix instead of silently doing nothing.
    The default mirror is a community service, not an official one.
    """
    _refuse_after_hf_import("镜像地址")
    os.environ["HF_ENDPOINT"] = endpoint.rstrip("/")  # the learner's choice: not ours to undo later
    redecide()
    return os.environ["HF_ENDPOINT"]


def is_smoke() -> bool:
    """True in smoke mode (CI, offline): notebooks use tiny stand-ins, bundled data and small settings."""
    return current_mode().smoke


def is_rehearsal() -> bool:
    """True in rehearsal: real settings and real hub ids, served offline from imitations (outputs are meaningless)."""
    return current_mode().rehearsal


def reset_mode_for_tests() -> None:
    """Undo the decision and forget it (tests switch worlds with environment variables)."""
    global _MODE
    _undo()
    _MODE = None
