"""Exercises with a real blank: left empty, the notebook goes on with a note; the folded answer passes the check;
a typical wrong answer fails it. The code that runs is the notebook's own (tests/nbexec.py)."""

from __future__ import annotations

import pytest

import course_utils
from tests.nbexec import folded_answers, run_notebook

# notebook, the blank line (exactly as in the notebook), the start of its folded answer, a typical wrong answer
EXERCISES = [
    ("00_colab_setup.ipynb", "need = None  # 把 None 换成算式：1.5B（写成 1.5e9）个参数一共要多少 GiB",
     "need = ", "need = 1.5e9 * 16  # forgot to turn bytes into GiB"),
    ("06_sft_qlora.ipynb", "full_ft_gib = None  # 把 None 换成算式：REAL_PARAMS 个参数、每个 16 字节，一共多少 GiB",
     "full_ft_gib = ", "full_ft_gib = REAL_PARAMS * 4 / GIB  # only the weights, not gradients and AdamW"),
]


def _answer(notebook: str, starts: str) -> str:
    answers = [block for block in folded_answers(notebook) if block.startswith(starts)]
    assert len(answers) == 1, f"{notebook}: expected one folded answer starting with {starts!r}"
    return answers[0]


@pytest.mark.parametrize(("notebook", "blank", "starts", "wrong"), EXERCISES)
def test_blank_exercise_lets_the_notebook_go_on(notebook, blank, starts, wrong, tmp_path) -> None:
    namespace = run_notebook(notebook, until=blank, workdir=tmp_path)
    assert "✏️ 这道练习还空着" in namespace["__stdout__"]


@pytest.mark.parametrize(("notebook", "blank", "starts", "wrong"), EXERCISES)
def test_folded_answer_passes_the_check(notebook, blank, starts, wrong, tmp_path) -> None:
    answer = _answer(notebook, starts)
    namespace = run_notebook(notebook, edits={blank: answer}, until=answer, workdir=tmp_path)
    assert "✅" in namespace["__stdout__"].splitlines()[-1]


@pytest.mark.parametrize(("notebook", "blank", "starts", "wrong"), EXERCISES)
def test_a_typical_wrong_answer_fails_the_check(notebook, blank, starts, wrong, tmp_path) -> None:
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(notebook, edits={blank: wrong}, until=wrong, workdir=tmp_path)
