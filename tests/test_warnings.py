"""Every warning a learner sees in a notebook is explained before it appears, or prevented.

CI executes the notebooks into copies with their outputs (``.ci/test`` writes them to ``.ci-out/<label>``) and runs
this file with ``EXECUTED_NOTEBOOKS`` pointing there. Each message the notebooks print to stderr must match a rule in
``tests/warning_rules.py``, and a rule that says *where the notebook explains it* must find that text in a cell at or
before the one that printed the message. Anything else fails: a new library release that starts nagging shows up here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.warning_rules import RULES, Rule, messages, unexplained

EXECUTED = os.environ.get("EXECUTED_NOTEBOOKS", "")


def _executed() -> list[Path]:
    return sorted(Path(EXECUTED).rglob("*.ipynb")) if EXECUTED else []  # .ci/test: one folder per notebook


@pytest.mark.skipif(not EXECUTED, reason="set EXECUTED_NOTEBOOKS to a folder of executed notebooks (.ci/test does)")
def test_there_are_executed_notebooks() -> None:
    assert _executed(), f"{EXECUTED} 里没有执行过的笔记本"


@pytest.mark.skipif(not EXECUTED, reason="set EXECUTED_NOTEBOOKS to a folder of executed notebooks (.ci/test does)")
@pytest.mark.parametrize("path", _executed(), ids=[p.name for p in _executed()])
def test_every_warning_is_explained_or_prevented(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = unexplained(path.name, nb)
    assert not problems, f"{path.name} 打印了没有解释过的警告：\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------- the scanner itself can fail


def _cell(kind: str, source: str, stderr: str = "") -> dict:
    cell = {"cell_type": kind, "source": source, "metadata": {}}
    if kind == "code":
        cell["outputs"] = [{"output_type": "stream", "name": "stderr", "text": stderr}] if stderr else []
    return cell


RIGHT_PADDING = ("[transformers] A decoder-only architecture is being used, but right-padding was detected! For correct "
                 "generation results, please set `padding_side='left'` when initializing the tokenizer.\n")


def test_scanner_groups_multi_line_messages() -> None:
    text = ("/x/jieba/__init__.py:44: SyntaxWarning: invalid escape sequence '\\.'\n  re.compile('...')\n"
            "[transformers] BertModel LOAD REPORT from: /tmp/x\nKey | Status\n---+---\nclassifier.bias | UNEXPECTED\n"
            "Notes:\n- UNEXPECTED:\tcan be ignored\n 45%|████      | 9/20 [00:01<00:01, 9.0it/s]\n")
    found = messages(text)
    assert [m.splitlines()[0][:20] for m in found] == ["/x/jieba/__init__.py", "[transformers] BertM"]


def test_an_unknown_warning_fails() -> None:
    nb = {"cells": [_cell("code", "x = 1", "[transformers] Something brand new is deprecated.\n")]}
    assert unexplained("03_attention_mask_padding.ipynb", nb)


def test_a_known_warning_fails_when_it_comes_before_its_explanation() -> None:
    early = {"cells": [_cell("code", "model.generate(**batch)", RIGHT_PADDING), _cell("markdown", "右填充 … 警告")]}
    late = {"cells": [_cell("markdown", "生成时用了右填充，transformers 会打印一条警告"),
                      _cell("code", "model.generate(**batch)", RIGHT_PADDING)]}
    rule = next(r for r in RULES if "right-padding" in r.pattern.pattern)
    assert rule.allows("03_attention_mask_padding.ipynb")
    assert unexplained("03_attention_mask_padding.ipynb", early)
    assert not unexplained("03_attention_mask_padding.ipynb", late)


def test_a_known_warning_fails_in_a_notebook_it_is_not_allowed_in() -> None:
    nb = {"cells": [_cell("markdown", "生成时用了右填充，transformers 会打印一条警告"),
                    _cell("code", "model.generate(**batch)", RIGHT_PADDING)]}
    assert unexplained("09_prompting_generation.ipynb", nb)


def test_rules_are_well_formed() -> None:
    for rule in RULES:
        assert isinstance(rule, Rule) and rule.why, rule
        assert rule.explained_by or rule.not_for_learners, f"{rule.pattern.pattern}: 要么写明笔记本里的解释，要么说明学员为什么看不到"


# ------------------------------------------------------------------------ words only the smoke world may print

SMOKE_ONLY_WORDS = ("冒烟",)  # the smoke world's name: rehearsal and real runs must never print it
WORLD = os.environ.get("EXECUTED_WORLD", "")


def smoke_wording(nb: dict) -> list[str]:
    """Printed outputs (not code, not markdown) that talk about the smoke world."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            text = output.get("text") or "".join(output.get("data", {}).get("text/plain", ""))
            text = "".join(text) if isinstance(text, list) else text
            for line in text.splitlines():
                if any(word in line for word in SMOKE_ONLY_WORDS):
                    found.append(f"单元格 {index}：{line.strip()[:160]}")
    return found


@pytest.mark.skipif(not EXECUTED or WORLD in ("", "smoke"), reason="only for executed rehearsal/real runs")
@pytest.mark.parametrize("path", _executed(), ids=[p.name for p in _executed()])
def test_no_smoke_wording_outside_smoke(path: Path) -> None:
    found = smoke_wording(json.loads(path.read_text(encoding="utf-8")))
    assert not found, f"{path.name} 在 {WORLD} 模式下打印了只属于冒烟模式的话：\n" + "\n".join(found)


def test_smoke_wording_is_found() -> None:
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": "每轮 22 步（冒烟模式只走前 -1 步）\n"}]}]}
    assert smoke_wording(nb) == ["单元格 0：每轮 22 步（冒烟模式只走前 -1 步）"]
