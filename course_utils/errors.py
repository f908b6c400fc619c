"""Errors that tell a beginner, in Chinese, what went wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class CourseError(RuntimeError):
    """A mistake the learner can fix; the message says how (in Chinese)."""


class NeedsGPUError(CourseError):
    """This step needs an NVIDIA GPU and none is visible."""


def no_gpu_message(what: str) -> str:
    return (
        f"「{what}」需要 NVIDIA GPU，但现在没有检测到。\n"
        "怎么办：在 Colab 菜单里选「代码执行程序 → 更改运行时类型 → T4 GPU」，保存后从第一个单元格重新运行。\n"
        "如果 Colab 说暂时没有 GPU，可以先用 CPU 跑本课的小模型版本，或者过一会儿再试。"
    )


OOM_HINT = (
    "GPU 显存不够了（CUDA out of memory）。可以这样做：\n"
    "1. 把 batch size（批大小）调小，比如从 8 改成 2；\n"
    "2. 把 max_length（最大长度）调小；\n"
    "3. 换更小的模型，或用 4-bit 量化加载；\n"
    "4. 重启运行时（代码执行程序 → 重启会话）释放被占住的显存，再从头运行。"
)

NETWORK_HINT = (
    "下载模型或数据失败：连不上 Hugging Face Hub。\n"
    "怎么办：1. 检查网络；2. 在国内可以用社区镜像：菜单「代码执行程序 → 重启会话」，在 import course_utils 那一格下面\n"
    "加一行 course_utils.use_hf_mirror()，再从头运行（镜像必须在导入 transformers 之前打开，每一课的笔记本各开一次）；\n"
    "3. 没有网络时，设置环境变量 COURSE_MODE=smoke，用课程自带的小模型离线练习。"
)


def _is_oom(error: BaseException) -> bool:
    import torch

    return isinstance(error, torch.OutOfMemoryError) or "out of memory" in str(error).lower()


def _is_network(error: BaseException) -> bool:
    names = {type(e).__name__ for e in _chain(error)}
    network_names = {"ConnectionError", "ConnectTimeout", "ReadTimeout", "LocalEntryNotFoundError",
                     "OfflineModeIsEnabled", "gaierror"}
    return bool(names & network_names)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Re-raise out-of-memory and network failures with a Chinese explanation and the fix.

    Usage in a notebook::

        with friendly_errors():
            trainer.train()
    """
    try:
        yield
    except CourseError:
        raise
    except Exception as error:  # noqa: BLE001 - we only add a hint, then re-raise
        if _is_oom(error):
            raise CourseError(OOM_HINT) from error
        if _is_network(error):
            raise CourseError(NETWORK_HINT) from error
        raise
