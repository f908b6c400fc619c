"""The machine we run on: device, GPU, precision, memory — and a Chinese report of it all."""

from __future__ import annotations

import os
import platform
import random
import sys
from dataclasses import dataclass
from typing import Literal

from .errors import CourseError, NeedsGPUError, no_gpu_message
from .mode import current_mode

Precision = Literal["bf16", "fp16", "fp32"]
VALID_DEVICES = ("cuda", "cpu", "mps", "xpu")


@dataclass(frozen=True)
class Hardware:
    """What a notebook needs to know about the machine. Built by ``detect_hardware``; easy to fake in tests."""

    device: str  # "cuda" | "mps" | "cpu"
    gpu_name: str | None = None
    compute_capability: tuple[int, int] | None = None
    vram_gb: float | None = None
    ram_gb: float | None = None
    is_colab: bool = False


def in_colab() -> bool:
    """True inside Google Colab (its kernel sets COLAB_RELEASE_TAG and ships the google.colab module)."""
    return "COLAB_RELEASE_TAG" in os.environ or "google.colab" in sys.modules


def _ram_gb() -> float | None:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * page_size / 1024**3, 1)


def detect_hardware() -> Hardware:
    """Look at the real machine (CUDA first, then Apple MPS, else CPU)."""
    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return Hardware(
            device="cuda",
            gpu_name=props.name,
            compute_capability=(props.major, props.minor),
            vram_gb=round(props.total_memory / 1024**3, 1),
            ram_gb=_ram_gb(),
            is_colab=in_colab(),
        )
    mps = getattr(torch.backends, "mps", None)
    device = "mps" if mps is not None and mps.is_available() else "cpu"
    return Hardware(device=device, ram_gb=_ram_gb(), is_colab=in_colab())


def choose_precision(hw: Hardware) -> Precision:
    """bf16 only where it is native (compute capability >= 8.0: A100, L4, H100...); fp16 on older GPUs (T4 = 7.5);
    fp32 on CPU/MPS.

    ``torch.cuda.is_bf16_supported()`` is deliberately NOT used: on a T4 it can answer True because bf16 is
    emulated, which is slow and trips trl's bf16 default.
    """
    if hw.device != "cuda" or hw.compute_capability is None:
        return "fp32"
    return "bf16" if hw.compute_capability >= (8, 0) else "fp16"


def torch_dtype(precision: Precision | None = None):
    """The torch dtype for a precision name (default: the one chosen for this machine)."""
    import torch

    chosen = precision or choose_precision(detect_hardware())
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[chosen]


def trainer_precision_flags(hw: Hardware | None = None) -> dict[str, bool]:
    """Explicit precision flags for TrainingArguments / SFTConfig / DPOConfig.

    trl 1.x turns ``bf16=True`` on by itself unless told otherwise, which fails on CPU and is emulated on a
    T4, so the course always passes all three flags.
    """
    hw = hw or detect_hardware()
    precision = choose_precision(hw)
    return {"bf16": precision == "bf16", "fp16": precision == "fp16", "use_cpu": hw.device == "cpu"}


def bitsandbytes_available() -> bool:
    try:
        import bitsandbytes  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken install counts as "not available"
        return False
    return True


def can_train_4bit(hw: Hardware | None = None) -> bool:
    """QLoRA makes sense only on an NVIDIA GPU with bitsandbytes installed (on CPU it works but is very slow)."""
    hw = hw or detect_hardware()
    return hw.device == "cuda" and bitsandbytes_available()


def get_device(name: str | None = None) -> str:
    """Return a valid PyTorch device string; ``None`` means the best one available.

    Learners often type "gpu" — PyTorch has no such device, so we explain instead of guessing.
    """
    import torch

    if name is None:
        return detect_hardware().device
    if not isinstance(name, str):
        raise CourseError(f"device 应该是字符串，比如 'cuda' 或 'cpu'，现在收到的是 {type(name).__name__}。")
    cleaned = name.strip().lower()
    if cleaned == "gpu":
        raise CourseError(
            "PyTorch 里没有叫 'gpu' 的设备。NVIDIA 显卡的名字是 'cuda'（CUDA 是 NVIDIA 的计算平台）。\n"
            "请写 device='cuda'；更稳妥的写法是 device=course_utils.get_device()，它会自动选择 cuda 或 cpu。"
        )
    base = cleaned.split(":")[0]
    if base not in VALID_DEVICES:
        raise CourseError(f"不认识的设备 {name!r}。可选的有：{', '.join(VALID_DEVICES)}。")
    if base == "cuda" and not torch.cuda.is_available():
        raise NeedsGPUError(no_gpu_message(f"device={name!r}"))
    return cleaned


def set_seed(seed: int = 42) -> None:
    """One seed for python, numpy and torch (CPU and GPU), so reruns give the same numbers."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


PRECISION_WORDS = {
    "bf16": "bf16（新一代 GPU 原生支持，范围大、不易溢出）",
    "fp16": "fp16（T4 这类 GPU 的半精度；注意有些模型会溢出）",
    "fp32": "fp32（CPU 上最稳妥的全精度）",
}


def describe(hw: Hardware) -> list[str]:
    """The environment report as lines of Chinese text (pure function: easy to test)."""
    precision = choose_precision(hw)
    lines = [f"运行位置：{'Google Colab' if hw.is_colab else '本地 / 服务器'}（Python {platform.python_version()}）"]
    if hw.device == "cuda":
        major, minor = hw.compute_capability or (0, 0)
        lines.append(f"计算设备：cuda —— {hw.gpu_name}，算力 {major}.{minor}，显存 {hw.vram_gb} GB")
    elif hw.device == "mps":
        lines.append("计算设备：mps —— 苹果芯片的 GPU")
    else:
        lines.append("计算设备：cpu —— 没有检测到 GPU（小模型也能跑，只是慢一些）")
    if hw.ram_gb is not None:
        lines.append(f"内存：{hw.ram_gb} GB")
    lines.append(f"推荐精度：{PRECISION_WORDS[precision]}")
    lines.append(f"4-bit 量化训练（QLoRA）：{'可以' if hw.device == 'cuda' and bitsandbytes_available() else '不适合（需要 NVIDIA GPU + bitsandbytes）'}")
    return lines


def _library_versions() -> str:
    from importlib import metadata

    parts = []
    for name in ("torch", "transformers", "datasets", "peft", "trl", "sentence-transformers"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} 未安装")
    return "，".join(parts)


def report_environment() -> Hardware:
    """Print the Chinese environment report that opens every notebook, and return the hardware facts."""
    from .install import restart_message

    hw = detect_hardware()
    mode = current_mode()
    print("========== 环境报告 ==========")
    for line in describe(hw):
        print(line)
    print(f"课程模式：{mode.name}")
    print(f"  选择原因：{mode.reason}")
    print(f"库版本：{_library_versions()}")
    warning = restart_message()
    if warning:
        print(warning)
    print("==============================")
    return hw


def logits_are_finite(model, tokenizer=None, text: str = "你好，请介绍一下你自己。", *, inputs=None) -> bool:
    """One forward pass: False when the logits contain NaN or inf.

    Qwen2/2.5 in pure fp16 is reported to overflow on pre-Ampere GPUs (NaN logits, text of repeated "!"). This
    probe catches it before training instead of after an hour of NaN losses. Text models: pass the tokenizer (it
    encodes ``text``). Models that need more than text (a vision-language model's image and prompt): pass the
    processor's output as ``inputs``.
    """
    import torch

    device = next(model.parameters()).device
    if inputs is None:
        if tokenizer is None:
            raise CourseError("logits_are_finite 需要分词器（tokenizer=…）或者处理好的输入（inputs=…），二者给一个。")
        inputs = tokenizer(text, return_tensors="pt")
    inputs = inputs.to(device)
    with torch.no_grad():
        logits = model(**inputs).logits
    return bool(torch.isfinite(logits).all())
