"""Maintainer/CI tool: build every model the current world needs once, before notebooks run in parallel.

    python tools/prebuild.py

Smoke: the tiny stand-ins. Rehearsal: the real-shaped imitations in the private hub cache. Real: nothing (the hub).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from course_utils.mode import current_mode
from course_utils.models import REGISTRY, standin_path


def _report(name: str, start: float, path: Path) -> None:
    size_mb = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024**2
    print(f"  {name:<58} {time.perf_counter() - start:5.1f} s  {size_mb:7.1f} MB  {path}")


def main() -> int:
    mode = current_mode()
    if mode.rehearsal:
        from course_utils.imitations import BUILDERS, ensure_imitation

        for real_id in BUILDERS:
            start = time.perf_counter()
            _report(real_id, start, ensure_imitation(real_id))
    elif mode.smoke:
        for standin in sorted({spec.standin for spec in REGISTRY.values()}):
            start = time.perf_counter()
            _report(standin, start, standin_path(standin))
    else:
        print("真实模式：模型在第一次使用时从 Hub 下载，不需要预先构建。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
