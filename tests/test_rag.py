"""course_utils.rag: chunking, keyword tokens, rank fusion and retrieval metrics on hand-made cases."""

from __future__ import annotations

import pytest

from course_utils.rag import (
    Chunk,
    char_ngrams,
    chunk_documents,
    chunk_text,
    evaluate_rankings,
    recall_at_k,
    reciprocal_rank,
    reciprocal_rank_fusion,
    split_sentences,
    unique_in_order,
)

# four sentences of 10, 12, 9 and 11 characters
S1, S2, S3, S4 = "甲乙丙丁戊己庚辛壬。", "一二三四五六七八九十百！", "春夏秋冬东南西北？", "天地玄黄宇宙洪荒日月。"
TEXT = S1 + S2 + S3 + S4


# ------------------------------------------------------------------------------------------- sentences


def test_split_sentences_on_chinese_marks_not_on_dots() -> None:
    text = "餐补上调了2.5元。详见第3.1节！邮箱hr@qinghe.example有人回复吗？最后一句没有句号"
    assert split_sentences(text) == ["餐补上调了2.5元。", "详见第3.1节！", "邮箱hr@qinghe.example有人回复吗？", "最后一句没有句号"]


def test_split_sentences_keeps_closing_quotes_and_breaks_at_newlines() -> None:
    assert split_sentences("他说：“好的。”然后走了。\n第二段") == ["他说：“好的。”", "然后走了。", "第二段"]
    assert split_sentences("") == []


# ------------------------------------------------------------------------------------------- chunking


def test_chunks_pack_whole_sentences_with_one_sentence_overlap() -> None:
    chunks = chunk_text(TEXT, max_chars=25, overlap_sentences=1)
    assert chunks == [S1 + S2, S2 + S3, S3 + S4]
    assert all(len(c) <= 25 for c in chunks)


def test_chunks_never_split_inside_a_sentence_when_avoidable() -> None:
    sentences = set(split_sentences(TEXT))
    for max_chars in range(12, 60):  # every sentence fits, so every chunk must be made of whole sentences
        for overlap in (0, 1, 2):
            for chunk in chunk_text(TEXT, max_chars=max_chars, overlap_sentences=overlap):
                assert set(split_sentences(chunk)) <= sentences, (max_chars, overlap, chunk)


def test_no_overlap_rebuilds_the_text_exactly() -> None:
    chunks = chunk_text(TEXT, max_chars=25, overlap_sentences=0)
    assert chunks == [S1 + S2, S3 + S4]
    assert "".join(chunks) == TEXT


def test_overlap_is_dropped_when_it_leaves_no_room() -> None:
    # S2 + S3 = 21 > 20: the second chunk cannot start with S2, so it starts fresh
    assert chunk_text(S1 + S2 + S3, max_chars=20, overlap_sentences=1) == [S1, S2, S3]


def test_too_long_sentence_is_cut_at_clause_marks_then_by_length() -> None:
    assert chunk_text("一二三四，五六七八，九十。", max_chars=6, overlap_sentences=0) == ["一二三四，", "五六七八，", "九十。"]
    assert chunk_text("一二三四五六七八九十", max_chars=4, overlap_sentences=0) == ["一二三四", "五六七八", "九十"]


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        chunk_text(TEXT, max_chars=0)
    with pytest.raises(ValueError):
        chunk_text(TEXT, overlap_sentences=-1)


def test_chunk_documents_keeps_ids_and_titles() -> None:
    docs = [{"doc_id": "d1", "title": "第一篇", "text": TEXT}, {"doc_id": "d2", "title": "第二篇", "text": S1}]
    chunks = chunk_documents(docs, max_chars=25, overlap_sentences=1)
    assert [c.chunk_id for c in chunks] == ["d1-0", "d1-1", "d1-2", "d2-0"]
    assert chunks[1] == Chunk("d1-1", "d1", "第一篇", S2 + S3)
    assert chunks[-1] == Chunk("d2-0", "d2", "第二篇", S1)


def test_bundled_corpus_chunks_are_valid() -> None:
    from course_utils.data import load_jsonl

    docs = load_jsonl("rag_docs.jsonl")
    chunks = chunk_documents(docs, max_chars=60, overlap_sentences=1)
    assert {c.doc_id for c in chunks} == {d["doc_id"] for d in docs}  # every document is represented
    assert len({c.chunk_id for c in chunks}) == len(chunks)  # ids are unique
    assert all(0 < len(c.text) <= 60 for c in chunks)


# ------------------------------------------------------------------------------------------- keyword tokens


def test_char_ngrams_drop_punctuation_and_do_not_cross_it() -> None:
    assert char_ngrams("年假，几天？") == ["年", "假", "年假", "几", "天", "几天"]
    assert char_ngrams("OA系统", ns=(2,)) == ["oa", "a系", "系统"]


# ------------------------------------------------------------------------------------------- fusion


def test_reciprocal_rank_fusion_matches_hand_computation() -> None:
    fused = reciprocal_rank_fusion([["A", "B", "C"], ["B", "C", "D"]], k=60)
    assert [item for item, _ in fused] == ["B", "C", "A", "D"]
    expected = {"A": 1 / 61, "B": 1 / 62 + 1 / 61, "C": 1 / 63 + 1 / 62, "D": 1 / 63}
    for item, score in fused:
        assert score == pytest.approx(expected[item], abs=1e-12)


def test_reciprocal_rank_fusion_k_and_ties() -> None:
    fused = dict(reciprocal_rank_fusion([["A"], ["B"]], k=0))
    assert fused == {"A": 1.0, "B": 1.0}
    assert [i for i, _ in reciprocal_rank_fusion([["A"], ["B"]])] == ["A", "B"]  # tie: first seen first
    assert reciprocal_rank_fusion([]) == []


# ------------------------------------------------------------------------------------------- metrics


def test_unique_in_order() -> None:
    assert unique_in_order(["d2", "d1", "d2", "d3", "d1"]) == ["d2", "d1", "d3"]


def test_recall_and_reciprocal_rank_on_hand_cases() -> None:
    ranking = ["d3", "d5", "d9"]
    assert recall_at_k(ranking, ["d5"], 1) == 0.0
    assert recall_at_k(ranking, ["d5"], 2) == 1.0
    assert recall_at_k(ranking, ["d9", "d1"], 3) == 0.5  # one of two needed documents found
    assert reciprocal_rank(ranking, ["d5"]) == 0.5
    assert reciprocal_rank(ranking, ["d9", "d3"]) == 1.0  # the first hit counts
    assert reciprocal_rank(ranking, ["d7"]) == 0.0
    assert reciprocal_rank(ranking, ["d9"], k=2) == 0.0  # outside the cut-off


def test_metrics_refuse_questions_without_gold() -> None:
    with pytest.raises(ValueError):
        recall_at_k(["d1"], [], 1)
    with pytest.raises(ValueError):
        reciprocal_rank(["d1"], [])


def test_evaluate_rankings_averages_over_questions() -> None:
    rankings = {"q1": ["d1", "d2", "d3"], "q2": ["d4", "d5", "d6"], "q3": ["d7", "d8", "d9"]}
    gold = {"q1": ["d1"], "q2": ["d6"], "q3": ["d0"]}
    result = evaluate_rankings(rankings, gold, ks=(1, 3))
    assert result == pytest.approx({"recall@1": 1 / 3, "recall@3": 2 / 3, "MRR": (1 + 1 / 3 + 0) / 3})
    with pytest.raises(KeyError):
        evaluate_rankings({"q1": ["d1"]}, gold)
