"""Authoring helper: write a course notebook from a plain Python list of cells.

Authors keep a small script (not committed) like::

    from tools.nbauthor import md, code, write_notebook, header_cells
    cells = header_cells(...) + [md("## 1. ..."), code("...")]
    write_notebook("notebooks/01_pipeline.ipynb", cells, gpu=False)

The header cells (title + badge, install cell, environment report) come from course_utils.links, so every
notebook shares exactly the same install logic and badge format. Outputs are never written.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from course_utils.links import colab_badge, install_cell_source


def md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(text)}


def code(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": _lines(text)}


def _lines(text: str) -> list[str]:
    return textwrap.dedent(text).strip("\n").splitlines(keepends=True)


def header_cells(number: int, title: str, notebook: str, goals: list[str], minutes: str, gpu: str,
                 prerequisites: str, intro: str = "") -> list[dict]:
    """Title cell (with badge and the course facts), the install cell, and the environment-report cell."""
    goal_lines = "\n".join(f"- {goal}" for goal in goals)
    title_md = (
        f"# 第 {number} 课：{title}\n\n{colab_badge(notebook)}\n\n"
        f"{intro.strip()}\n\n" if intro else f"# 第 {number} 课：{title}\n\n{colab_badge(notebook)}\n\n"
    )
    title_md += (
        f"**本课目标**（学完你就能）：\n{goal_lines}\n\n"
        f"| 预计用时 | 需要 GPU 吗 | 前置课程 |\n|---|---|---|\n| {minutes} | {gpu} | {prerequisites} |"
    )
    return [
        {"cell_type": "markdown", "metadata": {}, "source": title_md.splitlines(keepends=True)},
        md("## 准备环境\n\n第一个代码单元格在 Colab 上安装课程工具包（已经装好就跳过）；第二个打印环境报告："
           "你在用什么设备、推荐什么精度、现在是「真实模式」还是「离线冒烟模式」。"),
        code(install_cell_source()),
        code(
            """
            # 导入课程工具包。一定要在 transformers 之前导入：它会先决定用真实模型还是离线小模型
            import course_utils

            hw = course_utils.report_environment()  # 打印环境报告，并把硬件信息存进变量 hw
            """
        ),
    ]


def write_notebook(path: str | Path, cells: list[dict], *, gpu: bool = False) -> None:
    metadata: dict = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    if gpu:  # Colab opens the notebook with a T4 runtime selected
        metadata["accelerator"] = "GPU"
        metadata["colab"] = {"gpuType": "T4", "provenance": []}
    nb = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    for index, cell in enumerate(nb["cells"]):
        cell["id"] = f"c{index:03d}"
    Path(path).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
