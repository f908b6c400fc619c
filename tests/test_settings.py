"""The per-lesson settings table: the column each machine uses, the values it returns, the errors it explains."""

from __future__ import annotations

import pytest

from course_utils import env, lesson_settings, mode
from course_utils.env import Hardware
from course_utils.errors import CourseError
from course_utils.settings import settings_column, settings_table

ROWS = (
    ("max_steps", 24, -1, 30, "最多训练几步"),
    ("learning_rate", 3e-3, 5e-5, 5e-5, "学习率"),
)


def _world(monkeypatch, *, smoke: bool, device: str) -> None:
    monkeypatch.delenv("COURSE_SETTINGS_COLUMN", raising=False)
    monkeypatch.setattr(mode, "is_smoke", lambda: smoke)
    monkeypatch.setattr(env, "detect_hardware", lambda: Hardware(device=device))


@pytest.mark.parametrize(("smoke", "device", "column", "values"), [
    (True, "cuda", "smoke", {"max_steps": 24, "learning_rate": 3e-3}),   # smoke wins even on a GPU machine
    (False, "cuda", "gpu", {"max_steps": -1, "learning_rate": 5e-5}),
    (False, "cpu", "cpu", {"max_steps": 30, "learning_rate": 5e-5}),
    (False, "mps", "cpu", {"max_steps": 30, "learning_rate": 5e-5}),     # no NVIDIA GPU: the CPU column
])
def test_each_machine_gets_its_column(monkeypatch, capsys, smoke, device, column, values) -> None:
    _world(monkeypatch, smoke=smoke, device=device)
    assert settings_column() == column
    assert lesson_settings(*ROWS) == values
    assert "这一列" in capsys.readouterr().out  # the learner is told which column is in use


def test_the_table_marks_the_column_in_use() -> None:
    table = settings_table(ROWS, "cpu")
    marked = [title for title in table.columns if title.startswith("▶")]
    assert marked == ["▶ 只有 CPU"]
    assert list(table.index) == ["max_steps", "learning_rate"]
    assert table.loc["max_steps", "▶ 只有 CPU"] == 30 and table.loc["max_steps", "GPU（如 T4）"] == -1


def test_maintainers_can_force_a_column(monkeypatch) -> None:
    _world(monkeypatch, smoke=False, device="cpu")
    monkeypatch.setenv("COURSE_SETTINGS_COLUMN", "gpu")
    assert lesson_settings(*ROWS, show=False)["max_steps"] == -1
    monkeypatch.setenv("COURSE_SETTINGS_COLUMN", "t4")
    with pytest.raises(CourseError, match="gpu 或 cpu"):
        settings_column()


def test_smoke_ignores_the_override(monkeypatch) -> None:
    # unit tests run notebooks in smoke inside CI's rehearsal stage, where the override is set: they keep small numbers
    _world(monkeypatch, smoke=True, device="cpu")
    monkeypatch.setenv("COURSE_SETTINGS_COLUMN", "gpu")
    assert settings_column() == "smoke"


@pytest.mark.parametrize(("rows", "message"), [
    ((("max_steps", 24, -1, "最多训练几步"),), "5 项"),                        # a column forgotten
    ((("max_steps", 24, -1, 30, None),), "说明"),                               # no description
    ((ROWS[0], ("max_steps", 1, 2, 3, "又写了一次")), "出现了两次"),            # the same setting twice
])
def test_wrong_rows_are_explained(monkeypatch, rows, message) -> None:
    _world(monkeypatch, smoke=True, device="cpu")
    with pytest.raises(CourseError, match=message):
        lesson_settings(*rows, show=False)
