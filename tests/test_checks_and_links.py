"""Self-check helpers pass on right answers and fail (with a hint) on wrong ones; links come from one URL."""

from __future__ import annotations

import pytest
import torch

from course_utils import CheckFailed, check_close, check_contains, check_equal, check_shape, check_true, links
from tools import relink


def test_check_close_passes_and_prints(capsys) -> None:
    check_close(torch.tensor([0.1, 0.9]), [0.1, 0.9000001], ok="一致")
    assert "✅ 一致" in capsys.readouterr().out


def test_check_close_fails_with_hint() -> None:
    with pytest.raises(CheckFailed, match="softmax"):
        check_close(torch.tensor([0.2, 0.8]), [0.1, 0.9], hint="softmax 要在最后一维做")


def test_check_close_fails_on_shape() -> None:
    with pytest.raises(CheckFailed, match="形状"):
        check_close(torch.zeros(2, 3), torch.zeros(3, 2))


def test_check_equal() -> None:
    check_equal(torch.tensor([1, 2]), [1, 2])
    with pytest.raises(CheckFailed):
        check_equal("positive", "negative")


def test_check_shape() -> None:
    check_shape(torch.zeros(2, 9), [2, 9])
    with pytest.raises(CheckFailed, match=r"\[9, 2\]"):
        check_shape(torch.zeros(9, 2), (2, 9))


def test_check_contains_and_true() -> None:
    check_contains("我是小禾", "小禾")
    with pytest.raises(CheckFailed):
        check_contains(["a", "b"], "c")
    check_true(1 < 2)
    with pytest.raises(CheckFailed, match="loss"):
        check_true(False, hint="loss 没有下降")


def test_check_failed_is_an_assertion_error() -> None:
    # so that a failing self-check stops a notebook run in CI like any assert
    assert issubclass(CheckFailed, AssertionError)


def test_badge_and_install_cell_follow_one_repo_url() -> None:
    url = "https://github.com/my-school/llm-course"
    badge = links.colab_badge("01_pipeline.ipynb", url, "v1")
    assert "colab.research.google.com/github/my-school/llm-course/blob/v1/notebooks/01_pipeline.ipynb" in badge
    cell = links.install_cell_source(url, "v1")
    assert "git+https://github.com/my-school/llm-course@v1" in cell
    assert "raw.githubusercontent.com/my-school/llm-course/v1/requirements-colab.txt" in cell
    assert "torch" not in cell.split("!pip", 1)[1].split("\n")[0].replace("requirements", "")


def test_bad_repo_url_is_explained() -> None:
    with pytest.raises(ValueError, match="github.com"):
        links.colab_url("00_colab_setup.ipynb", "gitlab.com/x/y")


def test_update_notebook_rewrites_badge(tmp_path) -> None:
    import json

    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 第 0 课\n", links.colab_badge("00_x.ipynb")]},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": links.install_cell_source()},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "00_x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert relink.update_notebook(path, "https://github.com/a/b", "v9")
    text = path.read_text(encoding="utf-8")
    assert "github/a/b/blob/v9/notebooks/00_x.ipynb" in text and "git+https://github.com/a/b@v9" in text
    assert not relink.update_notebook(path, "https://github.com/a/b", "v9")


def test_requirements_colab_never_installs_torch() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "requirements-colab.txt").read_text(encoding="utf-8")
    names = [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]
    assert names and not any(name.lower().startswith(("torch", "numpy", "transformers")) for name in names)


def test_update_markdown_rewrites_every_badge(tmp_path) -> None:
    path = tmp_path / "README.md"
    path.write_text("| 00 | " + links.colab_badge("00_colab_setup.ipynb") + " |\n| 01 | "
                    + links.colab_badge("01_pipeline.ipynb") + " |\n", encoding="utf-8")
    assert relink.update_markdown(path, "https://github.com/school/course", "v2")
    text = path.read_text(encoding="utf-8")
    assert text.count("github/school/course/blob/v2/notebooks/") == 2 and "01_pipeline.ipynb" in text
    assert not relink.update_markdown(path, "https://github.com/school/course", "v2")


def test_check_shape_on_a_non_number_gives_the_hint_not_a_raw_error() -> None:
    from course_utils import CheckFailed, check_shape

    with pytest.raises(CheckFailed, match="看看每一维"):
        check_shape(["猫", "狗"], [2], hint="看看每一维")
    check_shape([[1, 2, 3]], [1, 3])  # plain lists of numbers still work


def test_check_close_names_the_worst_element_and_the_tolerance() -> None:
    from course_utils import CheckFailed, check_close

    with pytest.raises(CheckFailed) as caught:
        check_close([1.0, 2.0, 3.5], [1.0, 2.0, 3.0], atol=0.1, rtol=0.01)
    message = str(caught.value)
    assert "第 2 个数" in message and "得到 3.5" in message and "rtol 0.01" in message and "atol 0.1" in message
