"""Helpers for tests that read notebooks as data (no kernel)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
MAGIC = re.compile(r"^(\s*)([!%].*)$")


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> Iterator[str]:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            yield "".join(cell["source"])


def strip_magics(source: str) -> str:
    """Replace IPython shell/magic lines with `pass` (same indentation) so the cell parses as Python."""
    return "\n".join(MAGIC.sub(r"\1pass", line) for line in source.splitlines())


def parsed_cells(nb: dict) -> Iterator[ast.Module]:
    for source in code_cells(nb):
        yield ast.parse(strip_magics(source))


def calls(tree: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    """Every call in a tree with the called name (`f(...)` -> 'f', `obj.f(...)` -> 'f')."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            yield name, node
