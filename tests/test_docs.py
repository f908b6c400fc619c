"""The course home page, the syllabus and the FAQ stay in step with the notebooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_utils.links import colab_badge
from tests.nbtools import NOTEBOOK_DIR, ROOT, load, notebook_paths
from tools.relink import BADGE_LINK

README = ROOT / "README.md"
SYLLABUS = ROOT / "docs" / "syllabus.md"
FAQ = ROOT / "docs" / "faq.md"
BUDGETS = ROOT / "docs" / "budgets.md"
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


def _budget_section(title: str) -> str:
    sections = re.split(r"^## ", BUDGETS.read_text(encoding="utf-8"), flags=re.M)
    (section,) = [s for s in sections if s.startswith(title)]
    return section


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_has_measured_smoke_and_rehearsal_budgets(name) -> None:
    """A new notebook is not done until its minutes and memory were measured (docs/budgets.md never estimates)."""
    stem = name.removesuffix(".ipynb")
    smoke = [row for row in _budget_section("冒烟模式").splitlines() if row.startswith(f"| {stem} |")]
    assert smoke and re.match(rf"\| {stem} \| \d+ \| [\d.]+ \|", smoke[0]), f"docs/budgets.md 的冒烟表缺少 {stem} 的实测行"
    rehearsal = [row for row in _budget_section("彩排").splitlines() if row.startswith(f"| {name[:2]} |")]
    assert rehearsal and re.match(r"\| \d\d \| [\d.]+ \|", rehearsal[0]), f"docs/budgets.md 的彩排表缺少 {name[:2]} 的实测行"


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


LESSON_REFERENCE = re.compile(r"第 (\d+) 课")
FUTURE_TENSE = re.compile(r"第 (\d+) 课(?:会|再|细讲|将)")


def test_every_lesson_reference_points_to_a_notebook_in_the_right_tense() -> None:
    """「第 N 课」 must name an existing notebook; on the main line (00–07, taken in order) 「第 N 课会讲」 must point
    forward, never back to a lesson already taught. Electives (08–10) may be taken before some main lessons."""
    numbers = {int(path.name[:2]) for path in notebook_paths()}
    problems = []
    for path in notebook_paths():
        own = int(path.name[:2])
        for index, cell in enumerate(load(path)["cells"]):
            text = "".join(cell["source"])
            problems += [f"{path.name} 单元格 {index}：第 {n} 课不存在" for n in map(int, LESSON_REFERENCE.findall(text))
                         if n not in numbers]
            problems += [f"{path.name} 单元格 {index}：第 {n} 课已经学过，不能说「会讲」" for n in
                         map(int, FUTURE_TENSE.findall(text)) if n <= own <= 7]
    assert not problems, "\n".join(problems)


def test_lesson_reference_check_can_fail() -> None:
    assert LESSON_REFERENCE.findall("第 12 课会用到") == ["12"] and FUTURE_TENSE.findall("（第 6 课会讲：……）") == ["6"]


def _readme_row(name: str) -> list[str]:
    (row,) = [line for line in README.read_text(encoding="utf-8").splitlines()
              if line.startswith("|") and colab_badge(name) in line]
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _readme_column(title: str) -> int:
    header = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| 课 |"))
    return [cell.strip() for cell in header.strip().strip("|").split("|")].index(title)


def _header_learner_time(name: str) -> str:
    """The 预计用时 cell of the table in the notebook's title cell."""
    title = "".join(load(NOTEBOOK_DIR / name)["cells"][0]["source"])
    rows = [line for line in title.splitlines() if line.startswith("|") and not line.startswith("|---")]
    head, values = ([c.strip() for c in row.strip().strip("|").split("|")] for row in rows[-2:])
    return values[head.index("预计用时")]


@pytest.mark.parametrize("name", NAMES)
def test_course_map_times_agree_with_the_notebook_and_the_budgets(name) -> None:
    """README shows the learner's time (as the notebook's own header says) and the machine's time (as measured in
    docs/budgets.md, or 「尚未测量」) — issue #14: the course map never carries an estimate of machine time."""
    row = _readme_row(name)
    assert row[_readme_column("学员用时")] == _header_learner_time(name), f"{name}：README 的学员用时和笔记本开头的不一致"
    stem = name.removesuffix(".ipynb")
    measured = [r for r in _budget_section("课程地图的机器用时").splitlines() if r.startswith(f"| {stem} |")]
    assert measured, f"docs/budgets.md「课程地图的机器用时」缺少 {stem}"
    t4, cpu = (cell.strip() for cell in measured[0].strip().strip("|").split("|")[1:3])
    for value in (t4, cpu):
        assert value in ("尚未测量", "不到 1 分钟") or re.fullmatch(r"[约≤] \d+ 分钟", value), (
            f"{stem}：机器用时只写实测的「约 N 分钟」「不到 1 分钟」（或测量时机器被占用的上限「≤ N 分钟」）或「尚未测量」")
    assert row[_readme_column("机器用时（T4 ｜ 只有 CPU）")] == f"{t4} ｜ {cpu}", f"{name}：README 的机器用时和 budgets.md 不一致"
