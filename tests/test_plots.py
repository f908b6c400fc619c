"""Chinese labels render with a real CJK font: no "Glyph missing" warnings, and the loss/heatmap helpers draw."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from course_utils import plot_heatmap, plot_loss, setup_chinese_font  # noqa: E402
from course_utils.plots import find_cjk_font  # noqa: E402


def _render_with_warnings(draw) -> list[str]:
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = draw() or plt.gca()  # plot_loss on a new figure returns None: it is the current figure
        ax.figure.canvas.draw()
        plt.close(ax.figure)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


@pytest.mark.skipif(find_cjk_font() is None, reason="mplfonts not installed")
def test_chinese_labels_have_glyphs() -> None:
    family = setup_chinese_font()
    assert family and "CJK" in family or family == "SimHei"
    missing = _render_with_warnings(lambda: plot_loss([2.0, 1.5, 1.1], title="训练损失曲线：中文标题"))
    assert missing == []


def test_without_the_font_matplotlib_warns() -> None:
    """The check above is meaningful: a font without CJK glyphs does produce "Glyph missing" warnings."""
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig, ax = plt.subplots()
            ax.set_title("损失")
            fig.canvas.draw()
            plt.close(fig)
    assert any("Glyph" in str(w.message) for w in caught)


def test_heatmap_labels_and_values() -> None:
    import numpy as np

    ax = plot_heatmap(np.array([[1.0, 0.2], [0.2, 1.0]]), row_labels=["我", "你"], col_labels=["我", "你"], title="相似度")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["1.00", "0.20", "0.20", "1.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["我", "你"]


def test_loss_curve_uses_given_steps() -> None:
    import matplotlib.pyplot as plt

    assert plot_loss([3.0, 2.0], steps=[10, 20]) is None  # a cell ending with the call shows no "<Axes ...>" text
    xs, ys = plt.gca().lines[0].get_data()
    assert list(xs) == [10, 20] and list(ys) == [3.0, 2.0]
    _, panel = plt.subplots()
    assert plot_loss([1.0], ax=panel) is panel  # a panel of the caller's figure comes back


def test_drawable_replaces_what_the_font_cannot_draw() -> None:
    from course_utils.plots import drawable

    assert drawable("好 Hi\ufffd\u0625") == "好 Hi??"  # Arabic alef and a half-decoded character become "?"
