"""course_utils.sampling: the same probabilities as transformers' own sampling warpers, and a playground that
builds and draws without a browser."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402
from transformers.generation.logits_process import (  # noqa: E402
    LogitsProcessorList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from course_utils.sampling import (  # noqa: E402
    plot_distribution,
    sample_next,
    sampling_playground,
    sampling_probs,
    top_candidates,
)


def _library_probs(logits: torch.Tensor, temperature: float, top_k: int, top_p: float) -> torch.Tensor:
    """What generate(do_sample=True) samples from: its warpers in its order (see GenerationMixin._get_logits_processor)."""
    warpers = LogitsProcessorList()
    if temperature != 1.0:
        warpers.append(TemperatureLogitsWarper(temperature))
    if top_k:
        warpers.append(TopKLogitsWarper(top_k))
    if top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p))
    scores = warpers(torch.zeros(logits.shape[0], 1, dtype=torch.long), logits.clone())
    return scores.softmax(dim=-1)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 1.7])
@pytest.mark.parametrize("top_k", [0, 1, 5, 40])
@pytest.mark.parametrize("top_p", [0.1, 0.5, 0.9, 1.0])
def test_equals_transformers_warpers(temperature: float, top_k: int, top_p: float) -> None:
    logits = torch.randn(3, 50, generator=torch.Generator().manual_seed(0)) * 3
    ours = sampling_probs(logits, temperature, top_k, top_p)
    theirs = _library_probs(logits, temperature, top_k, top_p)
    assert torch.allclose(ours, theirs, atol=1e-6)
    assert torch.equal(ours > 0, theirs > 0)  # exactly the same tokens survive
    assert torch.allclose(ours.sum(-1), torch.ones(3))


def test_hand_computed_small_example() -> None:
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    assert torch.allclose(sampling_probs(logits), torch.tensor([0.5, 0.3, 0.15, 0.05]), atol=1e-6)
    # top-k = 2 keeps 0.5 and 0.3, renormalised
    assert torch.allclose(sampling_probs(logits, top_k=2), torch.tensor([0.625, 0.375, 0, 0]), atol=1e-6)
    # top-p = 0.8: 0.5 + 0.3 = 0.8 reaches p, so the last two are dropped
    assert torch.allclose(sampling_probs(logits, top_p=0.8), torch.tensor([0.625, 0.375, 0, 0]), atol=1e-6)
    # top-p = 0.85 needs the third token too
    assert int((sampling_probs(logits, top_p=0.85) > 0).sum()) == 3
    # temperature 0.5 squares the probabilities before renormalising
    squared = torch.tensor([0.25, 0.09, 0.0225, 0.0025])
    assert torch.allclose(sampling_probs(logits, temperature=0.5), squared / squared.sum(), atol=1e-6)


def test_temperature_sharpens_and_flattens() -> None:
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cold, warm, hot = (sampling_probs(logits, t) for t in (0.2, 1.0, 3.0))
    assert cold[0] > warm[0] > hot[0]
    assert torch.argmax(cold) == torch.argmax(hot) == 0  # the order of the tokens never changes


def test_best_token_is_always_kept() -> None:
    logits = torch.tensor([5.0, 1.0, 0.0])
    for probs in (sampling_probs(logits, top_k=1), sampling_probs(logits, top_p=0.01)):
        assert probs.tolist() == [1.0, 0.0, 0.0]
    assert sampling_probs(logits, top_k=100).count_nonzero() == 3  # k larger than the vocabulary is fine


@pytest.mark.parametrize("kwargs", [{"temperature": 0}, {"temperature": -1}, {"top_k": -1}, {"top_k": 2.5},
                                    {"top_p": 0}, {"top_p": 1.5}])
def test_bad_arguments_raise(kwargs) -> None:
    with pytest.raises(ValueError):
        sampling_probs(torch.zeros(4), **kwargs)


def test_sample_next_is_reproducible_and_stays_in_the_kept_set() -> None:
    logits = torch.randn(100, generator=torch.Generator().manual_seed(1))
    kept = set(torch.topk(logits, 5).indices.tolist())
    draws = [sample_next(logits, top_k=5, generator=torch.Generator().manual_seed(s)) for s in range(30)]
    assert set(draws) <= kept
    assert draws == [sample_next(logits, top_k=5, generator=torch.Generator().manual_seed(s)) for s in range(30)]
    assert sample_next(torch.tensor([[0.0, 9.0, 1.0]]), top_k=1) == 1  # a [1, vocab] row works too


def test_top_candidates_and_plot() -> None:
    probs = torch.tensor([0.1, 0.6, 0.3])
    words = {0: "甲", 1: "乙", 2: " "}
    assert top_candidates(probs, words.__getitem__, n=2) == [("乙", pytest.approx(0.6)), (" ", pytest.approx(0.3))]
    ax = plot_distribution(probs, words.__getitem__, n=3, title="分布")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["乙", " ", "甲"]
    assert [round(p.get_height(), 2) for p in ax.patches] == [0.6, 0.3, 0.1]
    # a lone byte piece of a character decodes to U+FFFD (no glyph in the CJK font); a newline stays visible
    ax = plot_distribution(torch.tensor([0.7, 0.3]), {0: "\ufffd", 1: "\n"}.__getitem__, n=2)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["?", "\\n"]


def test_playground_builds_and_redraws_without_a_browser() -> None:
    import ipywidgets as widgets

    calls = []
    logits = torch.tensor([3.0, 2.0, 1.0, 0.0])
    box = sampling_playground(logits, lambda i: f"词{i}", generate_text=lambda t, k, p: calls.append((t, k, p)) or "好")
    assert isinstance(box, widgets.VBox)
    sliders = [c for c in box.children if isinstance(c, widgets.FloatSlider | widgets.IntSlider)]
    assert [s.description for s in sliders] == ["温度", "top_k", "top_p"]
    sliders[1].value = 2  # moving a slider redraws through the same plain function
    box.redraw()
    button = next(c for c in box.children if isinstance(c, widgets.Button))
    button.click()
    assert calls == [(1.0, 2, 1.0)]
