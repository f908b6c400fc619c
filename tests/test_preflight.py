"""The instructor pre-flight runs notebooks headless and reports each one's outcome, time and memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from tests.nbtools import NOTEBOOK_DIR

FAILING = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# 故意出错的笔记本"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "import course_utils\ncourse_utils.check_true(1 + 1 == 3, hint=\"把 3 改成 2\")"},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "print('出错之后的单元格')"},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_help_works() -> None:
    result = subprocess.run([sys.executable, "-m", "course_utils.preflight", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "课前自检" in result.stdout


def test_table_names_the_passing_notebook_and_the_failing_cell(tmp_path) -> None:
    source = tmp_path / "notebooks"
    source.mkdir()
    shutil.copy(NOTEBOOK_DIR / "00_colab_setup.ipynb", source)
    (source / "99_broken.ipynb").write_text(json.dumps(FAILING, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "course_utils.preflight", "--from", str(source), "--out", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr  # one notebook failed
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("| 0") or
            line.startswith("| 9")}
    assert "✅ 通过" in rows["00_colab_setup.ipynb"]
    broken = rows["99_broken.ipynb"]
    assert "❌ 第 1 个单元格" in broken and "CheckFailed" in broken and "把 3 改成 2" in broken
    assert "设备：" in result.stdout and "transformers" in result.stdout
    executed = json.loads((out / "00_colab_setup.ipynb").read_text(encoding="utf-8"))
    assert any(cell.get("outputs") for cell in executed["cells"])  # the saved copy carries its outputs
    broken_copy = json.loads((out / "99_broken.ipynb").read_text(encoding="utf-8"))
    assert not broken_copy["cells"][2]["outputs"]  # by default the run stops at the failing cell


def test_keep_going_runs_every_cell_and_lists_every_failure(tmp_path) -> None:
    source = tmp_path / "notebooks"
    source.mkdir()
    twice = json.loads(json.dumps(FAILING))
    twice["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": "raise ValueError('第二处错误')"})
    (source / "98_twice.ipynb").write_text(json.dumps(twice, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "course_utils.preflight", "--from", str(source), "--out", str(out),
                             "--keep-going"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("| 98_twice.ipynb"))
    assert "❌ 第 1 个单元格" in row and "CheckFailed" in row and "之后出错的单元格：第 3 个" in row
    executed = json.loads((out / "98_twice.ipynb").read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for o in executed["cells"][2]["outputs"])
    assert "出错之后的单元格" in printed  # the cell after the failure ran
