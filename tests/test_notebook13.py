"""Notebook 13's self-checks catch the lesson's typical mistakes (run in smoke mode: the English model is the real
all-MiniLM-L6-v2 in every world, so the before/after checks test real training, not luck)."""

from __future__ import annotations

import pytest

import course_utils
from tests.nbexec import folded_answers, run_notebook

NB = "13_train_embedding_model.ipynb"
BLANK = "my_cosine = None  # 把 None 换成：pooled[0] 和 pooled[1] 的余弦相似度"
EXERCISE_CHECK = "if not course_utils.exercise_is_blank(my_cosine"
SEED = "seed=42,  # 分批的随机种子"


# The unmutated notebook passing every check (and the blank exercise only printing its note) is what CI's notebook run
# proves in every world; the tests below re-run only the prefix each mistake needs.


def test_evaluating_on_the_training_split_is_caught(tmp_path) -> None:
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits={'if row["split"] == "test"]  # 留出的测试行': 'if row["split"] == "train"]  # 留出的测试行'},
                     until="not overlap", workdir=tmp_path)


def test_forgetting_to_normalise_is_caught(tmp_path) -> None:
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits={"my_vectors = torch.nn.functional.normalize(pooled, dim=-1)": "my_vectors = pooled"},
                     until="check_close(my_vectors", workdir=tmp_path)


def test_exercise_answer_passes_and_an_unnormalised_dot_product_fails(tmp_path) -> None:
    (answer,) = folded_answers(NB)
    ns = run_notebook(NB, edits={BLANK: answer}, until=EXERCISE_CHECK, workdir=tmp_path)
    assert "手算的余弦相似度和库函数一致" in ns["__stdout__"]
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits={BLANK: "my_cosine = pooled[0] @ pooled[1]"}, until=EXERCISE_CHECK, workdir=tmp_path)


def test_default_sampler_puts_duplicates_in_a_batch(tmp_path) -> None:
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits={"batch_sampler=BatchSamplers.NO_DUPLICATES,  # 关键": "batch_sampler=BatchSamplers.BATCH_SAMPLER,  #"},
                     until="batches_with_duplicates(our_batches", workdir=tmp_path)


def test_swapping_positive_and_negative_columns_is_caught(tmp_path) -> None:
    swapped = 'COLUMNS = ["anchor", "negative", "positive"]'
    with pytest.raises(course_utils.CheckFailed, match="放反"):
        run_notebook(NB, edits={'COLUMNS = ["anchor", "positive", "negative"]': swapped},
                     until="trained_accuracy >= base_accuracy", workdir=tmp_path)


def test_another_seed_also_improves_and_reloading_the_base_model_is_caught(tmp_path) -> None:
    """Seed 0 (not the notebook's 42) passes the before/after check; the reload check then catches loading the
    original model instead of the saved folder (its hint names SAVE_DIR)."""
    edits = {SEED: "seed=0,", "reloaded = SentenceTransformer(SAVE_DIR, device=device)":
             "reloaded = SentenceTransformer(course_utils.resolve_model(EN_MODEL_ID), device=device)"}
    with pytest.raises(course_utils.CheckFailed, match="SAVE_DIR"):
        run_notebook(NB, edits=edits, until="reloaded.encode(probe)", workdir=tmp_path)
