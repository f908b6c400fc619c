"""Notebook 12 (multimodal): each self-check catches the lesson's typical mistake; the exercise's folded answer passes.

Runs the notebook's own cells in smoke mode (tiny stand-ins), stopping right after the check under test.
"""

from __future__ import annotations

import pytest

import course_utils
from tests.nbexec import folded_answers, run_notebook

NB = "12_multimodal.ipynb"
EXERCISE_BLANK = "my_targets = None  # 把 None 换成每张图对应的正确说明的编号（一个整数张量，形状 [3]）"
LAST_CHECK = "check_shape(large"

PATCH_CHECK = "check_equal(patches, reference"
EMBED_CHECK = "check_close(my_embeddings"
PIXEL_CHECK = "check_close(my_pixels"
CLIP_CHECK = "check_close(my_probs"
LOSS_CHECK = "check_close(my_loss"
TOKENS_CHECK = "check_equal(my_token_count"
PROMPT_CHECK = "check_contains(prompt"
PLACEHOLDER_CHECK = "check_equal(placeholders"

MISTAKES = {
    # ViT patches: row blocks and column blocks swapped in permute (patch k lands at the transposed place)
    "patch_row_col_swapped": ({".permute(1, 3, 0, 2, 4).reshape(grid * grid": ".permute(3, 1, 0, 2, 4).reshape(grid * grid"},
                              PATCH_CHECK),
    # each patch flattened channel-last instead of [channel, row, col]: no longer what Conv2d computes
    "patch_flattened_channel_last": ({"flat = patches.reshape(196, -1)": "flat = patches.permute(0, 2, 3, 1).reshape(196, -1)"},
                                     EMBED_CHECK),
    # normalisation without dividing by 255 first
    "pixels_not_rescaled": ({"(pixels.float() / 255 - mean) / std": "(pixels.float() - mean) / std"}, PIXEL_CHECK),
    # CLIP by hand: forgot to normalise the embeddings
    "clip_not_normalised": ({"my_logits = image_unit @ text_unit.T * scale": "my_logits = image_vec @ text_vecs.T * scale"},
                            CLIP_CHECK),
    # CLIP by hand: forgot the learned temperature
    "clip_no_scale": ({"my_logits = image_unit @ text_unit.T * scale": "my_logits = image_unit @ text_unit.T"}, CLIP_CHECK),
    # softmax over the image dimension instead of over the captions
    "clip_softmax_wrong_dim": ({"my_probs = my_logits.softmax(dim=-1)": "my_probs = my_logits.softmax(dim=0)"}, CLIP_CHECK),
    # contrastive loss: only the image->text direction
    "loss_one_direction": ({EXERCISE_BLANK: "my_targets = torch.arange(3)",
                            "my_loss = (image_loss + text_loss) / 2": "my_loss = image_loss"}, LOSS_CHECK),
    # contrastive loss: every image's answer is caption 0 instead of the diagonal
    "loss_wrong_targets": ({EXERCISE_BLANK: "my_targets = torch.zeros(3, dtype=torch.long)"}, LOSS_CHECK),
    # token count without the [CLS] token
    "tokens_without_cls": ({"** 2 + 1  # 图块数 + 1 个 [CLS]": "** 2  # 图块数"}, TOKENS_CHECK),
    # the chat message without {"type": "image"}: no image placeholder in the prompt
    "prompt_without_image": ({'    {"type": "image"},  # 图片放在这里（图片本身稍后交给处理器）\n': ""}, PROMPT_CHECK),
    # image tokens counted as patches, forgetting the 2x2 merge
    "placeholders_without_merge": ({"grid_t * grid_h * grid_w // (merge * merge)": "grid_t * grid_h * grid_w"},
                                   PLACEHOLDER_CHECK),
    # Q-Former without the projection into the LLM's embedding space
    "qformer_without_projection": ({"return to_llm(looked)": "return looked"}, LAST_CHECK),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_self_check_catches_the_typical_mistake(name, tmp_path) -> None:
    edits, until = MISTAKES[name]
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(NB, edits=edits, until=until, workdir=tmp_path)


def test_unmutated_notebook_passes_every_check_and_leaves_the_exercise_blank(tmp_path) -> None:
    namespace = run_notebook(NB, until=LAST_CHECK, workdir=tmp_path)
    assert "✏️" in namespace["__stdout__"]  # the blank exercise says what to do and lets the run go on
    assert namespace["my_targets"] is None


def test_folded_answer_passes_the_exercise_check(tmp_path) -> None:
    answers = [block for block in folded_answers(NB) if "my_targets" in block]
    assert len(answers) == 1
    namespace = run_notebook(NB, edits={EXERCISE_BLANK: answers[0].strip()}, until=LOSS_CHECK, workdir=tmp_path)
    assert "✅ 手算的对比损失" in namespace["__stdout__"]
