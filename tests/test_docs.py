"""The course home page, the syllabus and the FAQ stay in step with the notebooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_utils.links import BADGE_LINK, colab_badge
from tests.nbtools import NOTEBOOK_DIR, ROOT, load, notebook_paths

README = ROOT / "README.md"
SYLLABUS = ROOT / "docs" / "syllabus.md"
FAQ = ROOT / "docs" / "faq.md"
REFERENCE = re.compile(r"`(\d\d_[a-z0-9_]+\.ipynb)`\s*·\s*「(.+?)」(?=；|$)")
NAMES = [p.name for p in notebook_paths()]


def headings(notebook: Path) -> set[str]:
    found = set()
    for cell in load(notebook)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    found.add(line.lstrip("#").strip())
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_has_a_readme_row_with_its_badge(name) -> None:
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    assert any(colab_badge(name) in row for row in rows), f"README 的课程地图缺少 {name} 这一行（或徽章过期）"


def test_every_readme_badge_points_at_an_existing_notebook() -> None:
    targets = BADGE_LINK.findall(README.read_text(encoding="utf-8"))
    assert targets, "README 里没有 Colab 徽章"
    missing = [t for t in targets if not (NOTEBOOK_DIR / t).exists()]
    assert not missing, f"README 的徽章指向不存在的笔记本：{missing}"


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_has_a_syllabus_week(name) -> None:
    weeks = re.split(r"^## ", SYLLABUS.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert any(name in week for week in weeks), f"docs/syllabus.md 里没有哪一周安排了 {name}"


def test_faq_references_name_existing_sections() -> None:
    lines = [line for line in FAQ.read_text(encoding="utf-8").splitlines() if line.startswith("- 详见：")]
    entries = re.split(r"^### ", FAQ.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert len(lines) == len(entries) >= 10, "每条常见问题都要有一行「详见」"
    for line in lines:
        references = REFERENCE.findall(line)
        assert references, f"看不懂这行引用：{line}"
        for notebook, title in references:
            path = NOTEBOOK_DIR / notebook
            assert path.exists(), f"FAQ 引用了不存在的笔记本 {notebook}"
            assert title in headings(path), f"{notebook} 里没有小节「{title}」"
