"""Installing on Colab without surprises: detect when a runtime restart is really needed."""

from __future__ import annotations

import sys
from importlib import metadata

# import name -> distribution name, for the libraries an install cell may upgrade
WATCHED = {
    "transformers": "transformers",
    "datasets": "datasets",
    "accelerate": "accelerate",
    "peft": "peft",
    "trl": "trl",
    "huggingface_hub": "huggingface-hub",
    "sentence_transformers": "sentence-transformers",
    "numpy": "numpy",
}


def stale_modules() -> list[tuple[str, str, str]]:
    """Modules already imported whose version differs from the one now installed on disk.

    Such a module was upgraded after it was imported: Python keeps using the old code until the runtime
    restarts. Returns (name, version in memory, version on disk) for each.
    """
    stale = []
    for module_name, dist_name in WATCHED.items():
        module = sys.modules.get(module_name)
        loaded = getattr(module, "__version__", None) if module else None
        if not loaded:
            continue
        try:
            installed = metadata.version(dist_name)
        except metadata.PackageNotFoundError:
            continue
        if installed != loaded:
            stale.append((module_name, loaded, installed))
    return stale


def restart_message() -> str:
    """A Chinese instruction to restart, or "" when nothing is stale."""
    stale = stale_modules()
    if not stale:
        return ""
    items = "；".join(f"{name}: 内存里是 {old}，磁盘上已是 {new}" for name, old, new in stale)
    return (
        "⚠️ 需要重启运行时：有些库在导入之后又被升级了（" + items + "）。\n"
        "请点菜单「代码执行程序 → 重启会话」，然后从第一个单元格重新运行（安装单元格会自动跳过）。"
    )
