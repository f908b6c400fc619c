"""Maintainer tool: rewrite every notebook's Colab badge and install cell, and the badges in README/docs, from
``course_utils.links.REPO_URL`` and ``REF``.

    python tools/relink.py [repo-root]
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("COURSE_MODE", "smoke")  # rewriting files needs no hub: skip the probe that importing does

from course_utils.links import REF, REPO_URL, colab_badge, install_cell_source  # noqa: E402


def update_notebook(path: Path, repo_url: str = REPO_URL, ref: str = REF) -> bool:
    """Rewrite the badge (first markdown cell) and the install cell of one notebook. Returns True if changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    badge = colab_badge(path.name, repo_url, ref)
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "colab-badge.svg" in source:
            new = re.sub(r"\[!\[[^\]]*\]\([^)]*colab-badge\.svg\)\]\([^)]*\)", badge, source)
        elif cell["cell_type"] == "code" and 'find_spec("course_utils")' in source:
            new = install_cell_source(repo_url, ref)
        else:
            continue
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if changed:
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return changed


BADGE_LINK = re.compile(r"\[!\[[^\]]*\]\([^)]*colab-badge\.svg\)\]\([^)]*/notebooks/([\w.-]+\.ipynb)\)")


def update_markdown(path: Path, repo_url: str = REPO_URL, ref: str = REF) -> bool:
    """Rewrite every Open-in-Colab badge in a markdown file (README, syllabus) from the configured URL."""
    text = path.read_text(encoding="utf-8")
    new = BADGE_LINK.sub(lambda m: colab_badge(m.group(1), repo_url, ref), text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        if update_notebook(path):
            print(f"updated {path.name}")
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if path.exists() and update_markdown(path):
            print(f"updated {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
