"""Self-check helpers: compare the learner's result with the expected one and answer kindly in Chinese.

On success they print one friendly line; on failure they raise ``CheckFailed`` carrying the hint, so a
notebook run (and CI) stops exactly where the learner's code went wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class CheckFailed(AssertionError):
    """A self-check did not pass; the message says what differs and how to fix it."""


def _fail(what: str, hint: str) -> None:
    raise CheckFailed(f"❌ {what}\n💡 提示：{hint}")


def _ok(message: str) -> None:
    print(f"✅ {message}")


def _to_numbers(value: Any, hint: str):
    """The value as a float array, or a CheckFailed with the hint when it is not made of numbers."""
    import numpy as np

    if hasattr(value, "detach"):  # a torch tensor: move to CPU, float, numpy
        value = value.detach().float().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(f"这里需要数字或张量，得到的是 {type(value).__name__}：{value!r:.80}", hint)


def check_equal(actual: Any, expected: Any, *, ok: str = "结果正确！", hint: str = "再检查一下上面的代码。") -> None:
    """Exact equality (lists, strings, numbers, tensors compared element by element)."""
    if hasattr(actual, "tolist"):
        actual = actual.tolist()
    if hasattr(expected, "tolist"):
        expected = expected.tolist()
    if actual != expected:
        _fail(f"结果不一致：得到 {actual!r}，期望 {expected!r}", hint)
    _ok(ok)


def check_close(actual: Any, expected: Any, *, atol: float = 1e-4, rtol: float = 1e-4,
                ok: str = "数值一致！", hint: str = "数值对不上，检查一下计算步骤。") -> None:
    """Numbers/tensors equal up to floating-point noise (shapes must match too)."""
    import numpy as np

    a, e = _to_numbers(actual, hint), _to_numbers(expected, hint)
    if a.shape != e.shape:
        _fail(f"形状不同：得到 {list(a.shape)}，期望 {list(e.shape)}", hint)
    if not np.allclose(a, e, atol=atol, rtol=rtol):
        gap = np.abs(a - e)
        worst = int(np.argmax(gap)) if a.size else 0
        allowed = atol + rtol * abs(float(e.flat[worst])) if a.size else atol
        _fail(f"数值不一致：最大差距 {float(gap.flat[worst]):.6g}（在第 {worst} 个数：得到 {float(a.flat[worst]):.6g}，"
              f"期望 {float(e.flat[worst]):.6g}；允许 {allowed:.3g} = atol {atol:g} + rtol {rtol:g} × |期望|）", hint)
    _ok(ok)


def check_shape(value: Any, expected: Sequence[int], *, ok: str = "形状正确！",
                hint: str = "形状不对，想想每一维分别代表什么。") -> None:
    """The tensor/array has exactly this shape."""
    shape = list(value.shape) if hasattr(value, "shape") else list(_to_numbers(value, hint).shape)
    if shape != list(expected):
        _fail(f"形状是 {shape}，期望 {list(expected)}", hint)
    _ok(f"{ok}（形状 {shape}）")


def check_contains(container: Iterable[Any] | str, item: Any, *, ok: str = "找到了！",
                   hint: str = "没有找到，检查一下拼写和大小写。") -> None:
    """``item`` is in ``container`` (a substring of a string, or an element of a list/dict)."""
    if item not in container:  # type: ignore[operator]
        _fail(f"{item!r} 不在结果里", hint)
    _ok(ok)


def check_true(condition: bool, *, ok: str = "检查通过！", hint: str = "条件不成立，再看看上面的步骤。",
               what: str = "条件不成立") -> None:
    """A condition the learner's result must satisfy (e.g. loss went down)."""
    if not condition:
        _fail(what, hint)
    _ok(ok)


def exercise_is_blank(answer: Any, *, todo: str) -> bool:
    """True while an exercise's blank still holds ``None``: says what to fill in and lets the notebook go on.

    Use it in front of the exercise's check, so that a learner who skips the exercise (and CI) can keep running::

        if not course_utils.exercise_is_blank(my_answer, todo="把 None 换成……"):
            course_utils.check_equal(my_answer, reference, ok=..., hint=...)
    """
    if answer is None:
        print(f"✏️ 这道练习还空着：{todo}。填好后重新运行这个单元格就会检查；不填也可以继续往下运行。")
        return True
    return False
