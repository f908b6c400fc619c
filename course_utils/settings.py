"""One visible table of settings per lesson: the numbers that differ between worlds, side by side.

A notebook lists, near its top, every setting that is not the same everywhere (steps, answer lengths, learning
rates of the tiny stand-ins) as rows of a table with three columns — like nanoGPT's named configs:

    SETTINGS = course_utils.lesson_settings(
        # 名字            冒烟   GPU（T4）  只有 CPU   说明
        ("max_steps",     24,    -1,        30,        "最多训练几步（-1：按轮数训练完）"),
    )
    SETTINGS["max_steps"]  # -> the value of the column this machine uses

The column is chosen once for the machine: smoke (offline stand-ins, CI) → 「冒烟」; otherwise an NVIDIA GPU →
「GPU」, else 「只有 CPU」. A teacher changes a lesson's numbers in that one cell; the rest of the notebook reads
them from the dict and never asks which world it is in. Outside smoke, maintainers can force the GPU or
CPU column with the environment variable ``COURSE_SETTINGS_COLUMN`` (``gpu`` / ``cpu``): CI's rehearsal stage forces
``gpu`` so the settings most learners run (a Colab T4) go through the real code path on a machine without a GPU.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from .errors import CourseError

COLUMNS = ("smoke", "gpu", "cpu")
COLUMN_TITLES = {"smoke": "离线测试（迷你模型）", "gpu": "GPU（如 T4）", "cpu": "只有 CPU"}
COLUMN_REASONS = {
    "smoke": "离线冒烟模式：迷你替身模型，数字取小，几秒钟跑完",
    "gpu": "检测到 NVIDIA GPU",
    "cpu": "没有 GPU：真实模型在 CPU 上慢得多，有些数字取小（表里能看到改了哪些）",
}
ENV_OVERRIDE = "COURSE_SETTINGS_COLUMN"

Row = tuple[str, Any, Any, Any, str]


def _column_and_reason() -> tuple[str, str]:
    """The column this machine uses and why, decided in one place (smoke, the override, or the hardware)."""
    from .env import detect_hardware
    from .mode import is_smoke

    if is_smoke():
        return "smoke", COLUMN_REASONS["smoke"]
    forced = os.environ.get(ENV_OVERRIDE, "").strip().lower()
    if forced:
        if forced not in ("gpu", "cpu"):
            raise CourseError(f"环境变量 {ENV_OVERRIDE}={forced!r} 不认识：只能是 gpu 或 cpu（或者删掉它，按这台机器自动选择）。")
        return forced, f"环境变量 {ENV_OVERRIDE} 指定的"
    column = "gpu" if detect_hardware().device == "cuda" else "cpu"
    return column, COLUMN_REASONS[column]


def settings_column() -> str:
    """Which column this machine uses: "smoke", "gpu" or "cpu".

    Smoke always uses its own column (the stand-ins are built for it). Otherwise an NVIDIA GPU picks "gpu", anything
    else "cpu"; ``COURSE_SETTINGS_COLUMN=gpu|cpu`` overrides that choice (CI's rehearsal stage forces "gpu").
    """
    return _column_and_reason()[0]


def _check_rows(rows: Sequence[Row]) -> None:
    """Every row is (name, smoke, gpu, cpu, description) with a new name; say what is wrong in Chinese otherwise."""
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, tuple) or len(row) != 5:
            raise CourseError(
                f"设置表第 {number} 行应该是 5 项的元组：(名字, 冒烟的值, GPU 的值, 只有 CPU 的值, 说明)，现在是 {row!r}。"
            )
        name, description = row[0], row[4]
        if not isinstance(name, str) or not name or not isinstance(description, str):
            raise CourseError(f"设置表第 {number} 行：第一项（名字）和最后一项（说明）都要是文字，现在是 {name!r} 和 {description!r}。")
        if name in seen:
            raise CourseError(f"设置表里「{name}」出现了两次：每个设置只写一行，改数字时才不会改漏。")
        seen.add(name)


def settings_table(rows: Sequence[Row], column: str):
    """The table as a pandas DataFrame, the column in use marked with ▶ (one row per setting)."""
    import pandas as pd

    titles = {key: ("▶ " if key == column else "") + COLUMN_TITLES[key] for key in COLUMNS}
    table = pd.DataFrame(
        [[repr(value) if isinstance(value, str) else value for value in row[1:4]] + [row[4]] for row in rows],
        columns=[titles[key] for key in COLUMNS] + ["说明"],
        index=[row[0] for row in rows],
        dtype=object,  # keep 24 and 2e-4 as written, not converted to one common number type
    )
    table.index.name = "设置"
    return table


def lesson_settings(*rows: Row, show: bool = True) -> dict[str, Any]:
    """The lesson's settings for this machine, as a dict {name: value}; shows the whole table first.

    Each row is ``(name, smoke_value, gpu_value, cpu_value, description)``. ``show=False`` only returns the dict.
    """
    _check_rows(rows)
    column, reason = _column_and_reason()
    if show:
        print(f"本课设置：这台机器用「{COLUMN_TITLES[column]}」这一列（{reason}）。")
        _display(settings_table(rows, column))
    position = 1 + COLUMNS.index(column)
    return {row[0]: row[position] for row in rows}


def _display(table) -> None:
    """Show a DataFrame as a table in Jupyter (HTML), as text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # IPython is always there in Jupyter/Colab; a plain script gets text
        print(table.to_string())
        return
    if get_ipython() is None:
        print(table.to_string())
    else:
        display(table)
