"""Small datasets written by the course team and shipped inside the package (no network needed).

| file                  | columns                                          | used in   |
|-----------------------|--------------------------------------------------|-----------|
| sentiment_zh.jsonl    | text, label (1 正面 / 0 负面)                     | 01–03, 08 |
| sentiment_en.jsonl    | text, label                                      | 01–02     |
| rag_docs.jsonl        | doc_id, title, text                              | 05        |
| rag_questions.jsonl   | qid, question, answer, gold_doc_ids, answerable  | 05        |
| sft_zh.jsonl          | messages (list of {role, content})               | 06        |
| dpo_zh.jsonl          | prompt, chosen, rejected                         | 07        |
| mc_zh.jsonl           | qid, question, options (4 个), answer (A–D)      | 14        |
| emb_pairs_en.jsonl    | anchor, positive, negative, split (train/test)   | 13        |
| emb_pairs_zh.jsonl    | anchor, positive, negative, split (train/test)   | 13        |
"""

from __future__ import annotations

import json
import os
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
    "mc_zh": "mc_zh.jsonl",
    "emb_pairs_en": "emb_pairs_en.jsonl",
    "emb_pairs_zh": "emb_pairs_zh.jsonl",
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
    rows = load_jsonl(DATASETS[name])
    return Dataset.from_list(rows[: rehearsal_row_cap(name)])


def rehearsal_row_cap(name: str) -> int | None:
    """CI's one rehearsal knob, never set for learners: ``COURSE_REHEARSAL_ROWS="sft_zh=24,dpo_zh=24"``.

    Rehearsal runs the real settings on real-shaped imitations whose 151,936-token output layer makes every training
    step cost seconds on CI's 2 cores; with all rows, notebooks 06 and 07 alone would take most of CI's 15 minutes. The
    knob keeps only the first rows of the named datasets, so epochs, batch size, learning rate and every real branch
    still run, on fewer steps. It acts in rehearsal only; real and smoke ignore it.
    """
    from .mode import current_mode

    setting = os.environ.get("COURSE_REHEARSAL_ROWS", "")
    if not setting or not current_mode().rehearsal:
        return None
    caps = dict(item.split("=") for item in setting.replace(" ", "").split(",") if "=" in item)
    return int(caps[name]) if name in caps else None


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
