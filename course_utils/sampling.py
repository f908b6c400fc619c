"""Sampling playground for notebook 04: temperature, top-k and top-p applied to one logits vector.

The core is a plain function, ``sampling_probs``, that the notebook calls directly (so CI runs it without a
browser); ``sampling_playground`` only wraps it in ipywidgets sliders. The filters are applied in the order
transformers' ``generate(do_sample=True)`` applies them: temperature, then top-k, then top-p, and they keep
exactly the same tokens as ``TemperatureLogitsWarper``, ``TopKLogitsWarper`` and ``TopPLogitsWarper``.

Import it explicitly (``from course_utils import sampling``); importing ``course_utils`` does not load it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch


def _validate(temperature: float, top_k: int, top_p: float) -> None:
    if not temperature > 0:
        raise ValueError(f"温度（temperature）必须大于 0，现在是 {temperature}。想要「每次都选最好的」请用贪心解码。")
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 0:
        raise ValueError(f"top_k 必须是不小于 0 的整数（0 表示不限制），现在是 {top_k!r}。")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p 必须在 (0, 1] 之间（1 表示不限制），现在是 {top_p}。")


def sampling_probs(logits: torch.Tensor, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0) -> torch.Tensor:
    """Turn raw scores (logits, last dimension = vocabulary) into the probabilities that sampling draws from.

    1. temperature: divide the logits (< 1 sharper, > 1 flatter);
    2. top-k: keep the k best tokens (0 = keep all);
    3. top-p: keep the smallest set of best tokens whose probability adds up to at least p (1 = keep all).
    Removed tokens get probability 0; the best token is always kept. Works on [vocab] or [batch, vocab].
    """
    _validate(temperature, top_k, top_p)
    scores = logits.detach().float() / temperature
    if top_k > 0:
        k = min(top_k, scores.shape[-1])
        kth_best = torch.topk(scores, k, dim=-1).values[..., -1:]  # the k-th largest score of each row
        scores = scores.masked_fill(scores < kth_best, float("-inf"))
    if top_p < 1.0:
        # Like TopPLogitsWarper: sort from worst to best and drop the worst tokens as long as their total
        # probability stays <= 1 - top_p; what remains carries at least top_p of the mass.
        sorted_scores, order = torch.sort(scores, descending=False, dim=-1)
        cumulative = sorted_scores.softmax(dim=-1).cumsum(dim=-1)
        drop_sorted = cumulative <= (1 - top_p)
        drop_sorted[..., -1:] = False  # never drop the best token
        drop = drop_sorted.scatter(-1, order, drop_sorted)  # back to vocabulary order
        scores = scores.masked_fill(drop, float("-inf"))
    return scores.softmax(dim=-1)


def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0,
                generator: torch.Generator | None = None) -> int:
    """Draw one token id from ``sampling_probs`` of a single logits vector (pass a seeded generator to repeat)."""
    probs = sampling_probs(logits.reshape(-1), temperature, top_k, top_p)
    return int(torch.multinomial(probs, num_samples=1, generator=generator).item())


def top_candidates(probs: torch.Tensor, decode: Callable[[int], str], n: int = 10) -> list[tuple[str, float]]:
    """The n most probable (token text, probability) pairs of one probability vector."""
    values, ids = torch.topk(probs.reshape(-1), min(n, probs.numel()))
    return [(decode(int(i)), float(v)) for v, i in zip(values, ids, strict=True)]


def plot_distribution(probs: torch.Tensor, decode: Callable[[int], str], n: int = 10, *, title: str = "", ax=None):
    """Bar chart of the n most probable tokens (Chinese labels render); returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    from .plots import drawable, setup_chinese_font

    setup_chinese_font()
    pairs = top_candidates(probs, decode, n)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    # repr shows spaces/newlines (strip its quotes); characters the font cannot draw (another script, or half a
    # character decoded to U+FFFD) are shown as "?"
    labels = [drawable(repr(text)[1:-1]) or "∅" for text, _ in pairs]
    ax.bar(range(len(pairs)), [p for _, p in pairs], color="tab:blue")
    ax.set_xticks(range(len(pairs)), labels=labels, rotation=45, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("概率")
    ax.set_title(title)
    return ax


def sampling_playground(logits: torch.Tensor, decode: Callable[[int], str],
                        generate_text: Callable[[float, int, float], str] | None = None, n: int = 10) -> Any:
    """An ipywidgets box: three sliders (temperature, top-k, top-p) redraw the distribution of the next token;
    with ``generate_text(temperature, top_k, top_p)`` a button also generates a continuation.

    The box is fully built and drawn once when created, so nothing depends on a browser; interaction is a bonus.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    temperature = widgets.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.1, description="温度")
    top_k = widgets.IntSlider(value=0, min=0, max=50, step=1, description="top_k")
    top_p = widgets.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05, description="top_p")
    chart = widgets.Output()
    text = widgets.Output()

    def redraw(_change=None) -> None:
        probs = sampling_probs(logits, temperature.value, top_k.value, top_p.value)
        kept = int((probs > 0).sum())
        with chart:
            chart.clear_output(wait=True)
            ax = plot_distribution(probs, decode, n, title=f"还能被抽到的词元：{kept} 个")
            plt.show()
            plt.close(ax.figure)

    for slider in (temperature, top_k, top_p):
        slider.observe(redraw, names="value")
    children: list = [temperature, top_k, top_p, chart]
    if generate_text is not None:
        button = widgets.Button(description="用这组参数生成")

        def on_click(_button=None) -> None:
            with text:
                text.clear_output(wait=True)
                print(generate_text(temperature.value, top_k.value, top_p.value))

        button.on_click(on_click)
        children += [button, text]
    redraw()
    box = widgets.VBox(children)
    box.redraw = redraw  # type: ignore[attr-defined]  # lets tests and notebooks redraw without a browser
    return box
