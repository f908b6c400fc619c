"""Instructor pre-flight: run the course's notebooks headless, the week before class, and print one table.

On your own Colab (T4), in a fresh runtime::

    !pip install -q -r https://raw.githubusercontent.com/<org>/<repo>/<ref>/requirements-colab.txt "git+https://github.com/<org>/<repo>@<ref>"
    !python -m course_utils.preflight                       # all notebooks, in this machine's world (real on Colab)
    !python -m course_utils.preflight 06_sft_qlora.ipynb --out /content/drive/MyDrive/preflight   # one, kept on Drive

Each notebook runs in a fresh kernel, in a temporary working folder (as a learner's), top to bottom. The table says
for each: passed, or the first failing cell with the Chinese hint it printed; minutes; peak GPU memory (what PyTorch
allocated); peak RAM of the kernel; then the device and library versions once. Executed copies (with outputs) are
saved to ``--out``. Notebooks come from ``--from`` (a folder), else ``notebooks/`` beside the installed package when
run from a checkout, else they are downloaded from the course repository at ``links.REF``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .links import REF, REPO_URL, notebook_raw_url

# What the last cell of every run asks the kernel: PyTorch's peak GPU memory (GiB, or -1 without CUDA).
GPU_PEAK_PROBE = (
    "import torch as _t\n"
    "print('__PEAK_GPU_GIB__', _t.cuda.max_memory_allocated() / 1024**3 if _t.cuda.is_available() else -1)"
)
HINT = re.compile(r"💡 提示：(.*)")


@dataclass
class Result:
    notebook: str
    passed: bool
    minutes: float
    peak_ram_gib: float | None
    peak_gpu_gib: float | None
    failed_cell: int | None = None
    error: str = ""
    hint: str = ""
    later_failures: tuple[int, ...] = ()  # with keep_going: the cells that failed after the first one


def _peak_rss_gib(pid: int) -> float | None:
    """The kernel process's high-water mark of resident memory (Linux; None elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2  # kB -> GiB
    return None


def _failure(error: Exception) -> tuple[str, str]:
    """(the error's name and first line, the course's Chinese hint when the error carried one)."""
    name = getattr(error, "ename", "") or type(error).__name__
    value = getattr(error, "evalue", "") or str(error)
    first_line = value.strip().splitlines()[0] if value.strip() else ""
    hint = HINT.search(value)
    return f"{name}: {first_line}"[:200], hint.group(1).strip() if hint else ""


def run_notebook(path: Path, out_dir: Path, cell_timeout: int = 1800, keep_going: bool = False) -> Result:
    """Execute one notebook in a fresh kernel in a temporary folder; save the executed copy into ``out_dir``.
    ``keep_going``: run every cell even after one failed (the minutes then cover the whole notebook)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    failed_cells: list[int] = []
    error_text, hint, peak_ram, peak_gpu = "", "", None, None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        # the kernel's own start-up log (e.g. ipykernel 7's "running over TCP without encryption" note, one per
        # notebook) says nothing an instructor can act on: keep only its errors out of the progress display
        client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                                resources={"metadata": {"path": workdir}},
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        with client.setup_kernel():
            pid = client.km.provisioner.process.pid if client.km.provisioner else None
            for index, cell in enumerate(nb.cells):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as error:
                    if not failed_cells:
                        error_text, hint = _failure(error)
                    failed_cells.append(index)
                    if not keep_going:
                        break
            if not failed_cells:  # ask the same kernel for its GPU peak, in a cell that is not saved
                probe = nbformat.v4.new_code_cell(GPU_PEAK_PROBE)
                nb.cells.append(probe)
                client.execute_cell(probe, len(nb.cells) - 1)
                nb.cells.pop()
                for output in probe.get("outputs", []):
                    match = re.search(r"__PEAK_GPU_GIB__ (-?[\d.e+-]+)", output.get("text", ""))
                    if match and float(match.group(1)) >= 0:
                        peak_gpu = float(match.group(1))
            peak_ram = _peak_rss_gib(pid) if pid else None
    minutes = (time.perf_counter() - start) / 60
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    first = failed_cells[0] if failed_cells else None
    return Result(path.name, not failed_cells, minutes, peak_ram, peak_gpu, first, error_text, hint,
                  tuple(failed_cells[1:]))


def environment_line() -> str:
    """Device, world and library versions, as one line for the table's footer."""
    from importlib import metadata

    from .env import detect_hardware
    from .mode import current_mode

    hw = detect_hardware()
    device = f"cuda（{hw.gpu_name}，{hw.vram_gb} GB）" if hw.device == "cuda" else hw.device
    versions = []
    for name in ("torch", "transformers", "datasets", "accelerate", "peft", "trl", "sentence-transformers"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} 未安装")
    return f"设备：{device} ｜ 模式：{current_mode().world} ｜ Python {sys.version.split()[0]} ｜ " + "，".join(versions)


def format_table(results: list[Result]) -> str:
    def number(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    lines = ["| 笔记本 | 结果 | 分钟 | GPU 峰值 GiB | 内存峰值 GiB |", "|---|---|---|---|---|"]
    for r in results:
        outcome = "✅ 通过" if r.passed else f"❌ 第 {r.failed_cell} 个单元格：{r.error}" + (f"（提示：{r.hint}）" if r.hint else "")
        if r.later_failures:
            outcome += f"；之后出错的单元格：第 {'、'.join(map(str, r.later_failures))} 个"
        lines.append(f"| {r.notebook} | {outcome} | {r.minutes:.2f} | {number(r.peak_gpu_gib)} | {number(r.peak_ram_gib)} |")
    return "\n".join(lines)


def find_notebooks(names: list[str], source: Path | None, download_to: Path) -> list[Path]:
    """Local notebook files for ``names`` (all when empty), from a folder, a checkout, or the course repository."""
    folder = source or Path(__file__).resolve().parent.parent / "notebooks"
    if folder.is_dir():
        available = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
        if not names:
            return available
        by_name = {p.name: p for p in available}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise SystemExit(f"在 {folder} 里找不到：{', '.join(missing)}")
        return [by_name[n] for n in names]
    if not names:
        raise SystemExit("不在课程仓库里运行时，请写出要检查的笔记本名字，例如 06_sft_qlora.ipynb，或用 --from 指定文件夹。")
    download_to.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        target = download_to / name
        urllib.request.urlretrieve(notebook_raw_url(name), target)  # noqa: S310 - the course's own GitHub URL
        paths.append(target)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.preflight",
        description="课前自检：在这台机器上（Colab 上就是真实模式）从头到尾运行课程笔记本，打印一张结果表。")
    parser.add_argument("notebooks", nargs="*", help="要检查的笔记本文件名（默认：全部），例如 06_sft_qlora.ipynb")
    parser.add_argument("--out", type=Path, default=Path("preflight-output"),
                        help="保存运行过的笔记本（带输出）的文件夹；放进 Google Drive 就写 /content/drive/MyDrive/…")
    parser.add_argument("--from", dest="source", type=Path, default=None, help="从这个文件夹读笔记本（默认：课程仓库）")
    parser.add_argument("--cell-timeout", type=int, default=1800, help="单个单元格最多运行几秒（默认 1800）")
    parser.add_argument("--keep-going", action="store_true",
                        help="某个单元格出错后继续运行后面的单元格（默认停下）：一次看到所有出错的地方，分钟数也是整本的")
    args = parser.parse_args(argv)

    paths = find_notebooks(args.notebooks, args.source, args.out / "source")
    print(f"课前自检：{len(paths)} 个笔记本，课程仓库 {REPO_URL} @ {REF}，结果存到 {args.out}")
    from tqdm.auto import tqdm

    results = []
    for path in tqdm(paths, desc="运行笔记本", unit="本"):
        results.append(run_notebook(path, args.out, args.cell_timeout, args.keep_going))
    print(format_table(results))
    print(environment_line())
    failed = [r for r in results if not r.passed]
    print("全部通过 ✅" if not failed else f"{len(failed)} 个笔记本没有通过：打开 {args.out} 里运行过的副本，看出错的单元格。")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
