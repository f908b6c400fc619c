"""Benchmark: run each notebook in a fresh kernel (smoke mode) and report wall time and peak memory.

    python tools/nbprofile.py [notebooks/NN_x.ipynb ...]

Peak memory is the kernel process's high-water mark (VmHWM from /proc, Linux only). Prints one row per notebook
and the targets from the course's CI goals; it exits non-zero only when a notebook fails to run, never on time,
so it does not flake (performance targets live in this report, not in timed tests).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60
TARGET_PEAK_GIB = 2.0


def peak_rss_gib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2  # kB -> GiB
    return None


def profile(path: Path) -> tuple[float, float | None]:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as workdir:  # like Colab: the working directory is not the repo
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": workdir}})
        start = time.perf_counter()
        with client.setup_kernel():
            pid = client.km.provisioner.process.pid
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            peak = peak_rss_gib(pid)
        return time.perf_counter() - start, peak


def main(argv: list[str]) -> int:
    os.environ.setdefault("COURSE_MODE", "smoke")
    os.environ.setdefault("MPLBACKEND", "Agg")
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = 0
    print(f"{'notebook':<36} {'seconds':>8} {'peak GiB':>9}   targets: ≤ {TARGET_SECONDS} s, ≤ {TARGET_PEAK_GIB} GiB")
    for path in paths:
        try:
            seconds, peak = profile(path)
        except Exception as error:  # noqa: BLE001 - report and go on with the other notebooks
            failed += 1
            print(f"{path.name:<36} FAILED: {type(error).__name__}: {str(error)[:200]}")
            continue
        flag = "" if seconds <= TARGET_SECONDS and (peak or 0) <= TARGET_PEAK_GIB else "  <- over target"
        peak_text = f"{peak:9.2f}" if peak is not None else "      n/a"
        print(f"{path.name:<36} {seconds:8.1f} {peak_text}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
