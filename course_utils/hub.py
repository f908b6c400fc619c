"""Where models are stored: the Hugging Face cache and the course's own cache (the endpoint and mirror: mode.py)."""

from __future__ import annotations

import os
from pathlib import Path


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
