"""Notebook 07's hand-over from lesson 6: with lesson 6's adapter in place, DPO starts from the merged SFT model.

CI runs every notebook in a folder of its own (on Colab each notebook has a machine of its own), so the branch that
finds lesson 6's adapter never runs there; this test puts a lesson-6-style adapter where 07 looks for it.
"""

from __future__ import annotations

import torch

import course_utils
from tests.nbexec import run_notebook

NB = "07_dpo.ipynb"
START_CELL = 'print("DPO 的起点（也是参考模型）：", start_path)'


def _lesson6_adapter(folder) -> torch.nn.Module:
    """A LoRA adapter on the chat model, saved as lesson 6 saves it; returns the merged model for comparison."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(course_utils.resolve_model("Qwen/Qwen2.5-0.5B-Instruct"),
                                                dtype=torch.float32)
    torch.manual_seed(0)
    adapted = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    adapted.save_pretrained(folder)  # adapter_config.json records the base it was trained on
    return adapted.merge_and_unload()


def test_07_starts_from_the_merged_lesson_6_model(tmp_path) -> None:
    expected = _lesson6_adapter(tmp_path / "outputs" / "06" / "xiaohe-adapter")
    space = run_notebook(NB, until=START_CELL, workdir=tmp_path)
    assert space["use_sft"] is True and space["start_path"] == "outputs/07/start-model"
    from transformers import AutoModelForCausalLM

    start = AutoModelForCausalLM.from_pretrained(tmp_path / "outputs" / "07" / "start-model", dtype=torch.float32)
    for name, weight in expected.state_dict().items():  # the start model is base + adapter, merged
        assert torch.allclose(start.state_dict()[name], weight, atol=1e-6), name


def test_07_starts_from_instruct_without_an_adapter(tmp_path) -> None:
    space = run_notebook(NB, until=START_CELL, workdir=tmp_path)
    assert space["use_sft"] is False and space["start_path"] == space["model_path"]
