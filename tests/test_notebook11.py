"""Notebook 11 (chains, memory, agents): each self-check catches the lesson's typical mistake; the exercise works.

The notebook's own code runs (tests/nbexec.py) in smoke mode; every check below is about prompts, parsing and the
agent loop driven by scripted replies, so it holds in any world.
"""

from __future__ import annotations

import pytest

import course_utils
from tests.nbexec import folded_answers, run_notebook

NB = "11_chains_memory_agents.ipynb"
BLANK = "my_k = None  # 把 None 换成一个整数：窗口至少要保留几轮？"
LAST_CHECK = "steps_real <= MAX_STEPS"

MUTATIONS = {
    # the chain calls its steps in the wrong order
    "chain reversed": ({"for step in steps:": "for step in reversed(steps):"}, "check_equal(result, expected"),
    # the output parser only accepts the full-width colon, the fake model wrote a half-width one
    "parser one colon": ({r'r"口号\s*[：:]\s*(.+)"': r'r"口号\s*[：]\s*(.+)"'}, "check_equal(result, expected"),
    # window memory keeps the first k turns instead of the last k
    "window keeps oldest": ({"buffer_memory(history[-k:], user_text)": "buffer_memory(history[:k], user_text)"},
                            "expected_window = "),
    # the chat loop forgets to store each turn, so the "buffer" never grows
    "history not stored": ({"history.append([user(user_text), assistant(answer)])": "pass"}, "grows = all("),
    # the argument parser only understands {"a": ..., "b": ...}
    "parser dict only": ({"if isinstance(arguments, str):":
                          'return [int(arguments["a"]), int(arguments["b"])]\n    if isinstance(arguments, str):'},
                         "not ALARM["),
    # the argument parser runs the model's text as Python code
    "parser uses eval": ({"arguments = json.loads(arguments)": "arguments = eval(arguments)"}, "not ALARM["),
    # the tool result goes back as a user message instead of a tool message
    "result as user": ({'{"role": "tool", "name"': '{"role": "user", "name"'}, "tool_contents = ["),
    # the loop has no real step cap
    "no step cap": ({"for step in range(1, max_steps + 1):": "for step in range(1, 100):"}, "len(calls) == MAX_STEPS"),
}


def test_notebook_passes_up_to_its_last_check(tmp_path) -> None:
    ns = run_notebook(NB, until=LAST_CHECK, workdir=tmp_path)
    assert ns["steps_real"] <= ns["MAX_STEPS"]
    assert "✏️" in ns["__stdout__"]  # the blank exercise only prints its note
    assert ns["tool_contents"] == ["56088"] and ns["ALARM"] == {"triggered": False}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_self_check_catches_the_typical_mistake(name, tmp_path) -> None:
    edits, until = MUTATIONS[name]
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits=edits, until=until, workdir=tmp_path)


def test_folded_answer_passes_the_exercise(tmp_path) -> None:
    answers = [block for block in folded_answers(NB) if "my_k" in block]
    assert len(answers) == 1
    ns = run_notebook(NB, edits={BLANK: answers[0]}, until="has_name(my_k)", workdir=tmp_path)
    assert "对！k=3" in ns["__stdout__"]


def test_a_window_that_is_not_the_smallest_fails_the_exercise(tmp_path) -> None:
    with pytest.raises(course_utils.CheckFailed):  # k = 4 keeps the name too, but k = 3 already did
        run_notebook(NB, edits={BLANK: "my_k = 4"}, until="has_name(my_k)", workdir=tmp_path)
