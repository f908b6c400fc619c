"""Small, reusable plumbing for lesson 05 (RAG): Chinese chunking, BM25 tokens, rank fusion and retrieval metrics.

The lesson writes the ideas themselves in the notebook (cosine similarity by hand, the retrieval loop, the prompt);
this module only holds the parts that are the same every time and easy to get subtly wrong, each of them
explained in the notebook and checked in ``tests/test_rag.py``. Standard library only: importing it is free.

    chunks = chunk_documents(docs, max_chars=60, overlap_sentences=1)   # keeps doc_id and title for citations
    tokens = char_ngrams("年假怎么申请？")                              # ['年', '假', ..., '年假', '假怎', ...]
    fused  = reciprocal_rank_fusion([bm25_ids, dense_ids])               # [(id, score), ...] best first
    recall_at_k(ranked_doc_ids, gold_doc_ids, k=3), reciprocal_rank(ranked_doc_ids, gold_doc_ids)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# A Chinese sentence ends with 。！？ (or ! ? …), optionally followed by closing quotes/brackets.
# "." is deliberately NOT a sentence end: it would cut decimals ("3.5"), e-mail addresses and versions.
SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)]*|\n+")
# Where a too-long sentence may be cut when there is no other way: after a clause mark.
CLAUSE_END = re.compile(r"(?<=[，、；：,;:])")
# Characters that carry no meaning for keyword search (punctuation, spaces).
PUNCTUATION = set("，。！？、；：“”‘’（）《》【】—…·～「」『』,.!?;:'\"()[]{}<>-_/\\|@#$%^&*+=~` \t\r\n")
_PUNCTUATION_RUN = re.compile("[" + re.escape("".join(sorted(PUNCTUATION))) + "]+")


@dataclass(frozen=True)
class Chunk:
    """One piece of a document, small enough to embed and to paste into a prompt, with what we need to cite it."""

    chunk_id: str  # "d05-1" = the second chunk of document d05
    doc_id: str
    title: str
    text: str


def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences after 。！？!?… (keeping the mark and closing quotes) and at line breaks.

    Never at "." — that would cut decimals ("3.5"), e-mail addresses and version numbers.
    """
    sentences: list[str] = []
    start = 0
    for end in SENTENCE_END.finditer(text):
        piece = text[start:end.end()].strip()
        if piece:
            sentences.append(piece)
        start = end.end()
    if text[start:].strip():  # the last sentence may have no end mark
        sentences.append(text[start:].strip())
    return sentences


def _fit(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than max_chars must be cut: first after clause marks (，；：), then hard by length."""
    if len(sentence) <= max_chars:
        return [sentence]
    parts: list[str] = []
    current = ""
    for clause in (c for c in CLAUSE_END.split(sentence) if c):
        while len(clause) > max_chars:  # one clause alone is too long: cut it by characters
            if current:
                parts.append(current)
                current = ""
            parts.append(clause[:max_chars])
            clause = clause[max_chars:]
        if current and len(current) + len(clause) > max_chars:
            parts.append(current)
            current = ""
        current += clause
    if current:
        parts.append(current)
    return parts


def chunk_text(text: str, *, max_chars: int = 60, overlap_sentences: int = 1) -> list[str]:
    """Pack whole sentences into chunks of at most ``max_chars`` characters.

    Each new chunk starts with the last ``overlap_sentences`` sentences of the previous chunk (the overlap), so an
    answer that sits on a border is still whole in one of the two chunks. Sentences are only cut when a single
    sentence is longer than ``max_chars``.
    """
    if max_chars < 1:
        raise ValueError("max_chars 必须是正整数")
    if overlap_sentences < 0:
        raise ValueError("overlap_sentences 不能是负数")
    chunks: list[list[str]] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        for piece in _fit(sentence, max_chars):
            if current and len("".join(current)) + len(piece) > max_chars:
                chunks.append(current)
                carry = current[len(current) - overlap_sentences:] if overlap_sentences else []
                while carry and len("".join(carry)) + len(piece) > max_chars:  # overlap must leave room
                    carry = carry[1:]
                current = list(carry)
            current.append(piece)
    if current:
        chunks.append(current)
    return ["".join(chunk) for chunk in chunks]


def chunk_documents(docs: Iterable[Mapping[str, str]], *, max_chars: int = 60,
                    overlap_sentences: int = 1) -> list[Chunk]:
    """Chunk every document (rows with doc_id, title, text); chunk ids are "<doc_id>-<n>", n from 0."""
    chunks: list[Chunk] = []
    for doc in docs:
        pieces = chunk_text(doc["text"], max_chars=max_chars, overlap_sentences=overlap_sentences)
        for number, piece in enumerate(pieces):
            chunks.append(Chunk(f"{doc['doc_id']}-{number}", doc["doc_id"], doc["title"], piece))
    return chunks


def char_ngrams(text: str, ns: Sequence[int] = (1, 2)) -> list[str]:
    """Keyword-search tokens for Chinese without a dictionary: single characters and neighbouring pairs.

    Punctuation and spaces are dropped and Latin letters lower-cased; n-grams never cross a punctuation mark.
    """
    tokens: list[str] = []
    for run in _PUNCTUATION_RUN.split(text.lower()):
        for n in ns:
            tokens += [run[i:i + n] for i in range(len(run) - n + 1)]
    return tokens


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], *, k: int = 60) -> list[tuple[str, float]]:
    """Merge several rankings (lists of ids, best first): score(id) = sum over lists of 1 / (k + rank), rank from 1.

    Only ranks are used, never the raw scores, so BM25 scores and cosine similarities need no common scale.
    Ties keep the order in which ids were first seen.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def unique_in_order(ids: Iterable[str]) -> list[str]:
    """Drop repeats, keep the first occurrence: turns a ranking of chunks' doc ids into a ranking of documents."""
    return list(dict.fromkeys(ids))


def recall_at_k(ranked_ids: Sequence[str], gold_ids: Iterable[str], k: int) -> float:
    """Share of the gold ids that appear among the first k results (1.0 = every needed document was found)."""
    gold = set(gold_ids)
    if not gold:
        raise ValueError("没有标准答案文档的问题（资料里没有答案）不能算召回率，请先把它们排除")
    return len(gold & set(ranked_ids[:k])) / len(gold)


def reciprocal_rank(ranked_ids: Sequence[str], gold_ids: Iterable[str], k: int | None = None) -> float:
    """1 / rank of the first gold id in the ranking (rank from 1); 0.0 when none appears (within the first k)."""
    gold = set(gold_ids)
    if not gold:
        raise ValueError("没有标准答案文档的问题（资料里没有答案）不能算 MRR，请先把它们排除")
    for rank, item in enumerate(ranked_ids[:k] if k else ranked_ids, start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def evaluate_rankings(rankings: Mapping[str, Sequence[str]], gold: Mapping[str, Iterable[str]],
                      ks: Sequence[int] = (1, 3, 5)) -> dict[str, float]:
    """Average recall@k for each k and MRR over the questions in ``gold`` (question id -> gold doc ids)."""
    gold_sets = {qid: set(ids) for qid, ids in gold.items()}
    missing = [qid for qid in gold_sets if qid not in rankings]
    if missing:
        raise KeyError(f"这些问题没有检索结果：{missing}")
    result = {f"recall@{k}": sum(recall_at_k(rankings[q], g, k) for q, g in gold_sets.items()) / len(gold_sets)
              for k in ks}
    result["MRR"] = sum(reciprocal_rank(rankings[q], g) for q, g in gold_sets.items()) / len(gold_sets)
    return result
