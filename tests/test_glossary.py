"""One Chinese term per concept: notebooks must not use the alternative translations the glossary rules out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.nbtools import load, notebook_paths

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


def glossary_rows() -> list[dict[str, str]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in {"中文", "---"} and not set(cells[0]) <= {"-"}:
            rows.append({"zh": cells[0], "en": cells[1], "first": cells[2], "avoid": cells[3]})
    return rows


def test_glossary_parses_and_has_no_duplicates() -> None:
    rows = glossary_rows()
    assert len(rows) > 40
    terms = [r["zh"] for r in rows]
    assert len(terms) == len(set(terms)), "术语表里有重复的中文词条"
    avoided = {w.strip() for r in rows for w in r["avoid"].split(",") if w.strip()}
    assert not avoided & set(terms), "一个词不能既是标准译法又在「不要写成」里"


@pytest.mark.parametrize("path", notebook_paths(), ids=[p.name for p in notebook_paths()])
def test_notebook_uses_one_term_per_concept(path) -> None:
    text = "\n".join("".join(cell["source"]) for cell in load(path)["cells"])
    problems = []
    for row in glossary_rows():
        for word in (w.strip() for w in row["avoid"].split(",")):
            if word and re.search(re.escape(word), text):
                problems.append(f"「{word}」→ 请统一写成「{row['zh']}」（{row['en']}）")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
