"""Small datasets written by the course team and shipped inside the package (no network needed).

| file                  | columns                                          | used in   |
|-----------------------|--------------------------------------------------|-----------|
| sentiment_zh.jsonl    | text, label (1 正面 / 0 负面)                     | 01–03, 08 |
| sentiment_en.jsonl    | text, label                                      | 01–02     |
| rag_docs.jsonl        | doc_id, title, text                              | 05        |
| rag_questions.jsonl   | qid, question, answer, gold_doc_ids, answerable  | 05        |
| sft_zh.jsonl          | messages (list of {role, content})               | 06        |
| dpo_zh.jsonl          | prompt, chosen, rejected                         | 07        |
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .errors import CourseError

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASETS = {
    "sentiment_zh": "sentiment_zh.jsonl",
    "sentiment_en": "sentiment_en.jsonl",
    "rag_docs": "rag_docs.jsonl",
    "rag_questions": "rag_questions.jsonl",
    "sft_zh": "sft_zh.jsonl",
    "dpo_zh": "dpo_zh.jsonl",
}


def load_jsonl(filename: str) -> list[dict]:
    """Read one bundled JSON Lines file into a list of dicts (always as UTF-8, also on Windows)."""
    path = DATA_DIR / filename
    if not path.exists():
        raise CourseError(f"找不到课程数据文件 {filename}。可用的数据：{', '.join(DATASETS)}。")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_course_dataset(name: str):
    """A bundled dataset as a ``datasets.Dataset`` (the same type ``load_dataset`` returns for hub data)."""
    from datasets import Dataset

    if name not in DATASETS:
        raise CourseError(f"没有名为 {name!r} 的课程数据集。可选：{', '.join(DATASETS)}。")
    return Dataset.from_list(load_jsonl(DATASETS[name]))


def bundled_texts() -> Iterator[str]:
    """Every piece of text in the bundled data (used to build the tiny models' tokenizers)."""
    for filename in DATASETS.values():
        path = DATA_DIR / filename
        if not path.exists():
            continue
        for row in load_jsonl(filename):
            yield from _strings(row)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
