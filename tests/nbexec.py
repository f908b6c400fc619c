"""Run a notebook's own code in this process, with edits, to prove its self-checks fail on a learner's mistake.

A mutation test replaces a snippet of the notebook with the lesson's typical mistake and asserts that the notebook's
self-check raises ``CheckFailed``; an exercise test replaces the blank with the folded answer and asserts the check
passes. Nothing is re-implemented: the code that runs is the notebook's, cell by cell, in one namespace (like a
kernel), with shell/magic lines skipped. Use it in smoke mode (``.ci/test`` sets ``COURSE_MODE=smoke``).

    run_notebook(NB, edits={"dim=-1": "dim=0"}, until="check_close(my_probs")   # -> raises CheckFailed

``edits`` maps a snippet to its replacement; each snippet must occur exactly once in the notebook's code, so a test
can never silently stop mutating when the notebook changes. ``until`` stops after the first cell containing it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from tests.nbtools import NOTEBOOK_DIR, code_cells, load, strip_magics

DETAILS_CODE = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.S)


def _edited_cells(path: Path, edits: dict[str, str]) -> list[str]:
    cells = list(code_cells(load(path)))
    for old, new in edits.items():
        found = sum(cell.count(old) for cell in cells)
        assert found == 1, f"{path.name}: the snippet {old!r} occurs {found} times (must be exactly once)"
        cells = [cell.replace(old, new) for cell in cells]
    return cells


def run_notebook(name: str | Path, *, edits: dict[str, str] | None = None, until: str | None = None,
                 workdir: Path | None = None, quiet: bool = True) -> dict:
    """Execute the notebook's code cells in order in one namespace; return the namespace.

    ``name`` is a file in ``notebooks/`` (or a path). Raises whatever the notebook raises (``CheckFailed`` when a
    self-check catches the edit). ``workdir`` (e.g. pytest's ``tmp_path``) is where relative files go.
    """
    path = Path(name) if Path(name).is_absolute() else NOTEBOOK_DIR / name
    cells = _edited_cells(path, edits or {})
    if until is not None:
        assert any(until in cell for cell in cells), f"{path.name}: no code cell contains {until!r}"
    from IPython.display import display

    namespace: dict = {"__name__": "__main__", "display": display}
    previous = Path.cwd()
    if workdir is not None:
        os.chdir(workdir)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
            for index, source in enumerate(cells):
                exec(compile(strip_magics(source), f"{path.name}[code cell {index}]", "exec"), namespace)
                if until is not None and until in source:
                    break
    finally:
        os.chdir(previous)
        import matplotlib.pyplot as plt

        plt.close("all")
    namespace["__stdout__"] = sink.getvalue()
    return namespace


def folded_answers(name: str | Path) -> list[str]:
    """The Python code blocks inside ``<details>`` folds of the notebook's markdown, in order (exercise answers)."""
    path = Path(name) if Path(name).is_absolute() else NOTEBOOK_DIR / name
    blocks: list[str] = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            blocks += DETAILS_CODE.findall("".join(cell["source"]))
    return blocks
