"""Notebook 14 (evaluating LLMs): its self-checks pass as written and fail on the lesson's typical mistakes.

Each mutation test runs the notebook's own code (``tests/nbexec.py``) with one snippet replaced by a learner's
mistake and asserts that the self-check of that section raises ``CheckFailed``. The references the checks compare
with are independent of the code under test: the library's ``model(..., labels=...).loss``, numbers computed by hand
in the notebook's markdown, a hand-written table of judge verdicts, and the Bradley–Terry likelihood condition.
Run in smoke mode (``COURSE_MODE=smoke``), like the rest of the notebook tests.
"""

from __future__ import annotations

import pytest

import course_utils
from course_utils.data import load_jsonl
from tests.nbexec import folded_answers, run_notebook

NB = "14_evaluating_llms.ipynb"
LAST_CHECK = "字面重合代替不了忠实度"
PPL_CHECK = "check_close(ppl, library_ppl"
OVERLAP_CHECK = "check_close(mine, by_hand"
OPTION_CHECK = "check_close(sums, reference_sums"
JUDGE_CHECK = "check_equal(combined"
ELO_CHECK = "check_close(sum(elo.values())"
BT_CHECK = "check_close(expected_wins"
EXERCISE_BLANK = "my_rouge2 = None  # 把 None 换成你的计算结果（一个数）"

MISTAKES = {
    # perplexity: forgetting the shift by one (each position "predicts" its own token)
    "no_shift": ({'targets = enc["input_ids"][:, 1:]': 'targets = enc["input_ids"][:, :-1]'}, PPL_CHECK),
    # perplexity: averaging over the padding too
    "mean_over_padding": ({"-(token_lp * mask).sum(dim=1) / mask.sum(dim=1)": "-token_lp.mean(dim=1)"}, PPL_CHECK),
    # perplexity: exp of the summed NLL instead of the mean
    "exp_of_sum": ({"return torch.exp(nll)": "return torch.exp(nll * mask.sum(dim=1))"}, PPL_CHECK),
    # perplexity: another log base (2 ** instead of e **)
    "log_base_2": ({"return torch.exp(nll)": "return 2 ** nll"}, PPL_CHECK),
    # BLEU/ROUGE: n-gram counts not clipped at the reference counts
    "no_clipping": ({"sum((candidate_counts & reference_counts).values())":
                     "sum(n for g, n in candidate_counts.items() if g in reference_counts)"}, OVERLAP_CHECK),
    # BLEU: no brevity penalty
    "no_brevity_penalty": ({"return brevity * geo_mean": "return geo_mean"}, OVERLAP_CHECK),
    # multiple choice: the prompt tokens scored too
    "prompt_scored": ({"token_lp[i, start:start + len(ids)].sum()": "token_lp[i, :start + len(ids)].sum()"},
                      OPTION_CHECK),
    # multiple choice: the mean per token instead of the sum
    "mean_not_sum": ({"token_lp[i, start:start + len(ids)].sum()": "token_lp[i, start:start + len(ids)].mean()"},
                     OPTION_CHECK),
    # multiple choice: slice off by one (the option's tokens predicted from the wrong positions)
    "option_off_by_one": ({"start = len(prompt_ids) - 1": "start = len(prompt_ids)"}, OPTION_CHECK),
    # judge: the swapped verdict not translated back to the original answers
    "swap_not_mapped": ({'second = 2 if verdict_swapped == "A" else 1': 'second = 1 if verdict_swapped == "A" else 2'},
                        JUDGE_CHECK),
    # Elo: the loser loses a different amount than the winner gains
    "elo_not_conserved": ({"ratings[loser] -= k * (1 - expected)": "ratings[loser] -= k * expected"}, ELO_CHECK),
    # Bradley–Terry: own strength left out of the denominator
    "bt_wrong_denominator": ({"games[frozenset((i, j))] / (strength[i] + strength[j])":
                              "games[frozenset((i, j))] / strength[j]"}, BT_CHECK),
}


def test_notebook_passes_every_check_as_written(tmp_path) -> None:
    namespace = run_notebook(NB, until=LAST_CHECK, workdir=tmp_path)
    out = namespace["__stdout__"]
    assert out.count("✅") >= 11, out
    assert "手算的困惑度和库的 exp(loss) 一致" in out and "BT 实力的期望胜场和实际胜场一致" in out


@pytest.mark.parametrize("name", list(MISTAKES))
def test_self_check_catches_the_typical_mistake(name, tmp_path) -> None:
    edits, until = MISTAKES[name]
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits=edits, until=until, workdir=tmp_path)


def test_exercise_blank_lets_the_notebook_go_on(tmp_path) -> None:
    namespace = run_notebook(NB, until=EXERCISE_BLANK, workdir=tmp_path)
    assert "✏️" in namespace["__stdout__"] and namespace["my_rouge2"] is None


def test_exercise_folded_answer_passes_the_check(tmp_path) -> None:
    answers = [block for block in folded_answers(NB) if "my_rouge2" in block]
    assert len(answers) == 1, "the ROUGE-2 exercise needs exactly one folded answer"
    namespace = run_notebook(NB, edits={EXERCISE_BLANK: answers[0]}, until="ROUGE-2 算对了", workdir=tmp_path)
    assert "ROUGE-2 算对了" in namespace["__stdout__"]
    assert namespace["my_rouge2"] == pytest.approx(0.8)


def test_exercise_check_rejects_a_wrong_answer(tmp_path) -> None:
    # the most likely slip: dividing by the number of characters (6) instead of the number of bigrams (5)
    wrong = "my_rouge2 = f1_from_overlap(4, 6, 6)"
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits={EXERCISE_BLANK: wrong}, until="ROUGE-2 算对了", workdir=tmp_path)


def test_multiple_choice_set_is_well_formed() -> None:
    rows = load_jsonl("mc_zh.jsonl")
    assert len(rows) == 10
    assert len({r["qid"] for r in rows}) == 10
    for row in rows:
        assert set(row) == {"qid", "question", "options", "answer"}, row["qid"]
        assert len(row["options"]) == 4 and len(set(row["options"])) == 4, row["qid"]
        assert all(isinstance(o, str) and o.strip() for o in row["options"]), row["qid"]
        assert row["answer"] in "ABCD" and len(row["answer"]) == 1, row["qid"]
    # answers are spread over the letters, so "always A" cannot score well
    assert max([r["answer"] for r in rows].count(letter) for letter in "ABCD") <= 3
