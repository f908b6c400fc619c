"""course_utils — the small helper package shared by the 动手学大模型 notebooks.

Import it FIRST in a notebook, before transformers: importing decides the world (real or smoke) and, in
smoke mode, switches the Hugging Face libraries to offline so nothing ever waits on the network.
"""

from __future__ import annotations

import logging
import os

from .checks import CheckFailed, check_close, check_contains, check_equal, check_shape, check_true, exercise_is_blank
from .data import load_course_dataset, load_jsonl
from .env import (
    Hardware,
    can_train_4bit,
    choose_precision,
    detect_hardware,
    get_device,
    in_colab,
    logits_are_finite,
    report_environment,
    set_seed,
    torch_dtype,
    trainer_precision_flags,
)
from .errors import CourseError, NeedsGPUError, friendly_errors
from .generation import chat
from .hub import course_cache_dir, hf_cache_dir
from .mode import current_mode, is_rehearsal, is_smoke, retry_hub, use_hf_mirror
from .models import REGISTRY, describe_models, resolve_model
from .plots import plot_heatmap, plot_loss, setup_chinese_font
from .settings import lesson_settings

__version__ = "0.1.0"

# COURSE_HF_MIRROR=1 (the default community mirror) or =https://… (your own): the same as calling use_hf_mirror() first
_mirror = os.environ.get("COURSE_HF_MIRROR", "").strip()
if _mirror.lower() in {"1", "true", "yes", "on"}:
    use_hf_mirror()
elif _mirror.startswith(("http://", "https://")):
    use_hf_mirror(_mirror)
current_mode()  # decide real/smoke now, before any Hugging Face library is imported
# bitsandbytes' CPU backend logs "Failed to load CPU gemm_4bit_forward from kernels-community" on CPUs with AVX512-BF16
# when the optional `kernels` package (a faster 4-bit kernel fetched from the hub) is absent, then uses its own
# kernel: nothing a learner can or should act on, so only that logger is quietened.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)

__all__ = [
    "can_train_4bit", "chat", "check_close", "check_contains", "check_equal", "check_shape", "check_true",
    "CheckFailed", "choose_precision", "course_cache_dir", "CourseError", "current_mode", "describe_models",
    "detect_hardware", "exercise_is_blank", "friendly_errors", "get_device", "Hardware", "hf_cache_dir", "in_colab",
    "is_rehearsal", "is_smoke", "lesson_settings", "load_course_dataset", "load_jsonl", "logits_are_finite", "NeedsGPUError",
    "plot_heatmap", "plot_loss", "REGISTRY", "report_environment", "resolve_model", "retry_hub", "set_seed",
    "setup_chinese_font", "torch_dtype", "trainer_precision_flags", "use_hf_mirror",
]
