"""Where models come from and where they are stored: hub endpoint, mirror switch, cache folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import CourseError
from .mode import MIRROR_ENDPOINT, reset_mode_for_tests

HF_MODULES = ("huggingface_hub", "transformers", "datasets", "sentence_transformers")


def use_hf_mirror(endpoint: str = MIRROR_ENDPOINT) -> str:
    """Opt in to a hub mirror (for learners in mainland China). Call it BEFORE importing transformers.

    The Hugging Face libraries read ``HF_ENDPOINT`` once, when they are imported; setting it later has no
    effect, so this function refuses (with the fix) instead of silently doing nothing. The mirror is a
    community service, not an official one.
    """
    already = [name for name in HF_MODULES if name in sys.modules]
    if already:
        raise CourseError(
            f"太晚了：{', '.join(already)} 已经导入，镜像地址不会再生效。\n"
            "请重启运行时，然后在导入 transformers 之前先运行：import course_utils; course_utils.use_hf_mirror()"
        )
    os.environ["HF_ENDPOINT"] = endpoint.rstrip("/")
    reset_mode_for_tests()  # decide real/smoke again, this time probing the mirror
    return os.environ["HF_ENDPOINT"]


def hf_cache_dir() -> Path:
    """The folder where downloaded models live (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return Path(home) / "hub"


def course_cache_dir() -> Path:
    """Where the course keeps its own generated files (tiny smoke models) — never inside the HF cache."""
    root = os.environ.get("COURSE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "dongshou_llm")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path
