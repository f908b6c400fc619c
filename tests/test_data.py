"""The bundled datasets have the schemas, sizes and internal consistency the notebooks rely on."""

from __future__ import annotations

import pytest

from course_utils import CourseError, load_course_dataset, load_jsonl
from course_utils.data import DATASETS


def test_every_dataset_loads_as_a_datasets_dataset() -> None:
    from datasets import Dataset

    for name in DATASETS:
        ds = load_course_dataset(name)
        assert isinstance(ds, Dataset) and len(ds) > 0, name


def test_unknown_dataset_is_explained() -> None:
    with pytest.raises(CourseError, match="sentiment_zh"):
        load_course_dataset("imdb")


@pytest.mark.parametrize("name", ["sentiment_zh", "sentiment_en"])
def test_sentiment_sets_are_balanced_and_unique(name) -> None:
    rows = load_jsonl(DATASETS[name])
    assert {tuple(sorted(r)) for r in rows} == {("label", "text")}
    labels = [r["label"] for r in rows]
    assert set(labels) == {0, 1} and abs(labels.count(0) - labels.count(1)) <= 2
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)), "duplicate texts"
    assert len(rows) >= (200 if name == "sentiment_zh" else 60)


def test_rag_questions_point_at_existing_documents() -> None:
    docs = load_jsonl("rag_docs.jsonl")
    questions = load_jsonl("rag_questions.jsonl")
    ids = [d["doc_id"] for d in docs]
    assert len(docs) >= 40 and len(ids) == len(set(ids))
    assert all(d["title"] and len(d["text"]) >= 50 for d in docs)
    assert len(questions) >= 30
    for q in questions:
        assert set(q) >= {"qid", "question", "answer", "gold_doc_ids", "answerable"}
        assert set(q["gold_doc_ids"]) <= set(ids), q["qid"]
        assert bool(q["gold_doc_ids"]) == q["answerable"], q["qid"]
    assert any(not q["answerable"] for q in questions), "need questions whose answer is not in the documents"


def test_sft_rows_are_chat_messages_in_the_house_style() -> None:
    rows = load_jsonl("sft_zh.jsonl")
    assert len(rows) >= 80
    for row in rows:
        roles = [m["role"] for m in row["messages"]]
        assert roles[0] in {"system", "user"} and roles[-1] == "assistant"
        assert all(m["content"].strip() for m in row["messages"])
        assert row["messages"][-1]["content"].rstrip().endswith("——小禾")


def test_dpo_rows_have_distinct_chosen_and_rejected() -> None:
    rows = load_jsonl("dpo_zh.jsonl")
    assert len(rows) >= 60
    for row in rows:
        assert set(row) == {"prompt", "chosen", "rejected"}
        assert row["chosen"].strip() and row["rejected"].strip() and row["chosen"] != row["rejected"]


@pytest.mark.parametrize(("world", "expected"), [("rehearsal", 5), ("smoke", None), ("real", None)])
def test_rehearsal_row_knob_acts_only_in_rehearsal(monkeypatch, world, expected) -> None:
    from course_utils import mode
    from course_utils.data import load_jsonl, rehearsal_row_cap

    mode.reset_mode_for_tests()
    monkeypatch.setenv("COURSE_MODE", world)
    monkeypatch.setenv("COURSE_REHEARSAL_ROWS", "sft_zh=5, dpo_zh=7")
    try:
        assert rehearsal_row_cap("sft_zh") == expected
        assert rehearsal_row_cap("rag_docs") is None  # only the named datasets
        if expected:
            assert len(load_course_dataset("sft_zh")) == 5
            assert load_course_dataset("dpo_zh")[0] == load_jsonl("dpo_zh.jsonl")[0]
    finally:
        mode.reset_mode_for_tests()
