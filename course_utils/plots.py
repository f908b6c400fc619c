"""Matplotlib helpers whose Chinese labels render (no empty boxes) on Colab, locally and in CI.

Colab and CI machines ship no Chinese font. The course depends on the ``mplfonts`` package only for the
font file it carries (Noto Sans CJK SC, SIL Open Font License) and registers that file with matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

CJK_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")
_configured: str | None = None


def find_cjk_font() -> Path | None:
    """Path of a Simplified-Chinese font file shipped by mplfonts, or None when it is not installed."""
    try:
        import mplfonts
    except ImportError:
        return None
    folder = Path(mplfonts.__file__).resolve().parent / "fonts"
    for name in CJK_FONT_FILES:
        if (folder / name).exists():
            return folder / name
    return None


@cache
def _font_charmap() -> frozenset[int]:
    path = find_cjk_font()
    if path is None:
        return frozenset()
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(path)).get_charmap())


def drawable(text: str) -> str:
    """``text`` with each character the course font cannot draw shown as "?" (instead of an empty box and a
    "Glyph … missing from font" warning): model outputs can hold any script, or half a character (U+FFFD)."""
    charmap = _font_charmap()
    if not charmap:
        return text
    return "".join(ch if ord(ch) in charmap or ch.isspace() else "?" for ch in text)


def setup_chinese_font() -> str | None:
    """Register a CJK font and make it matplotlib's default. Returns the font family name (None if missing)."""
    global _configured
    if _configured:
        return _configured
    import matplotlib
    from matplotlib import font_manager

    path = find_cjk_font()
    if path is None:
        print("⚠️ 没有找到中文字体，图里的中文可能显示成方框。请运行：pip install mplfonts")
        return None
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the minus sign also needs a glyph
    _configured = family
    return family


def plot_loss(losses: Sequence[float], *, steps: Sequence[int] | None = None, title: str = "训练损失曲线",
              ax=None):
    """A loss curve with Chinese labels, on ``ax`` (one panel of the caller's figure) or on a new figure.

    Returns ``ax`` when the caller gave one; otherwise None, so that a notebook cell ending with this call shows the
    plot and not also a line of text like ``<Axes: title=...>``.
    """
    import matplotlib.pyplot as plt

    setup_chinese_font()
    given = ax
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    xs = list(steps) if steps is not None else list(range(1, len(losses) + 1))
    ax.plot(xs, list(losses), marker="o", markersize=3)
    ax.set_xlabel("训练步数（step）")
    ax.set_ylabel("损失（loss）")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return given


def plot_heatmap(matrix, *, row_labels: Sequence[str], col_labels: Sequence[str], title: str = "",
                 ax=None, fmt: str = ".2f", cmap: str = "Blues"):
    """A labelled heatmap (attention weights, similarities); numbers are written into the cells."""
    import matplotlib.pyplot as plt
    import numpy as np

    setup_chinese_font()
    values = np.asarray(matrix.detach().float().cpu() if hasattr(matrix, "detach") else matrix, dtype=float)
    if ax is None:
        size = max(3.0, 0.6 * max(values.shape))
        _, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(values, cmap=cmap)
    ax.set_xticks(range(len(col_labels)), labels=list(col_labels), rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels))
    if values.size <= 144:
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8,
                    color="white" if v > values.max() * 0.6 else "black")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax
