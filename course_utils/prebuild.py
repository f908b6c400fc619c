"""Build every smoke stand-in once, before notebooks run in parallel (``python -m course_utils.prebuild``)."""

from __future__ import annotations

import sys
import time

from .models import REGISTRY, standin_path


def main() -> int:
    for standin in sorted({spec.standin for spec in REGISTRY.values()}):
        start = time.perf_counter()
        path = standin_path(standin)
        size_mb = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024**2
        print(f"  {standin:<14} {time.perf_counter() - start:5.1f} s  {size_mb:6.1f} MB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
