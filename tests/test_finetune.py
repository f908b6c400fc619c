"""course_utils.finetune: the plumbing of notebooks 06/07 does what the notebooks rely on."""

from __future__ import annotations

import sys
import types
from types import SimpleNamespace

import pytest
import torch
from torch import nn

import course_utils
from course_utils import CourseError, finetune


def test_qlora_config_is_nf4_double_quant_with_the_given_compute_dtype() -> None:
    config = finetune.qlora_config(torch.float16)
    assert config.load_in_4bit and not config.load_in_8bit
    assert config.bnb_4bit_quant_type == "nf4"
    assert config.bnb_4bit_use_double_quant is True
    assert config.bnb_4bit_compute_dtype == torch.float16


def test_qlora_config_defaults_to_the_machine_precision(monkeypatch) -> None:
    monkeypatch.setattr(finetune, "torch_dtype", lambda: torch.bfloat16)  # as on an A100 / L4
    assert finetune.qlora_config().bnb_4bit_compute_dtype == torch.bfloat16


def test_keep_trainable_fp32_casts_only_trainable_low_precision_params() -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 2)).to(torch.bfloat16)
    model[0].requires_grad_(False)  # frozen base: must stay bf16
    model[1].weight.data = model[1].weight.data.float()  # already fp32: not counted
    assert finetune.trainable_dtypes(model) == {"float32", "bfloat16"}
    assert finetune.keep_trainable_fp32(model) == 1  # only model[1].bias was trainable and bf16
    assert model[1].bias.dtype == torch.float32 and model[0].weight.dtype == torch.bfloat16
    assert finetune.trainable_dtypes(model) == {"float32"}
    assert finetune.keep_trainable_fp32(model) == 0


class _FakeTokenizer:
    def __call__(self, text, return_tensors="pt"):
        from transformers import BatchEncoding

        return BatchEncoding({"input_ids": torch.tensor([[1, 2, 3]])})


class _FakeLM(nn.Module):
    def __init__(self, fill: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))
        self.fill = fill

    def forward(self, input_ids):
        return SimpleNamespace(logits=torch.full((1, input_ids.shape[1], 5), self.fill))


@pytest.mark.parametrize(("fill", "finite"), [(0.5, True), (float("nan"), False), (float("inf"), False)])
def test_logits_are_finite_detects_fp16_overflow(fill, finite) -> None:
    assert course_utils.logits_are_finite(_FakeLM(fill), _FakeTokenizer()) is finite


def test_checkpoint_dir_is_local_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = finetune.checkpoint_dir("outputs/06/checkpoints")
    assert folder == finetune.Path("outputs/06/checkpoints") and (tmp_path / folder).is_dir()


def test_checkpoint_dir_outside_colab_stays_local_and_says_why(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(finetune, "in_colab", lambda: False)
    folder = finetune.checkpoint_dir("outputs/06/checkpoints", use_drive=True)
    assert folder == finetune.Path("outputs/06/checkpoints")
    assert "Google Drive" in capsys.readouterr().out


def test_checkpoint_dir_on_colab_mounts_drive(tmp_path, monkeypatch) -> None:
    mounted = []
    drive = types.SimpleNamespace(mount=mounted.append)
    colab = types.ModuleType("google.colab")
    colab.drive = drive
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setattr(finetune, "in_colab", lambda: True)
    folder = finetune.checkpoint_dir("outputs/06/checkpoints", use_drive=True, drive_root=tmp_path / "MyDrive")
    assert mounted == [finetune.DRIVE_MOUNT_POINT]
    assert folder == tmp_path / "MyDrive" / "outputs/06/checkpoints" and folder.is_dir()


class _ToyRegression(nn.Module):
    """The smallest model Trainer accepts: returns a loss when given labels."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x, labels=None):
        prediction = self.linear(x).squeeze(-1)
        return {"loss": ((prediction - labels) ** 2).mean(), "logits": prediction}


def _toy_trainer(output_dir, max_steps, counter):
    from datasets import Dataset
    from transformers import Trainer, TrainingArguments

    torch.manual_seed(0)
    data = Dataset.from_dict({"x": [[float(i), 1.0] for i in range(16)], "labels": [2.0 * i for i in range(16)]})
    args = TrainingArguments(output_dir=str(output_dir), max_steps=max_steps, per_device_train_batch_size=2,
                             save_steps=2, logging_steps=1, report_to="none", use_cpu=True, disable_tqdm=True)
    return Trainer(model=_ToyRegression(), args=args, train_dataset=data, callbacks=[counter])


def test_step_counter_tells_a_resume_from_a_restart(tmp_path) -> None:
    first = finetune.StepCounter()
    _toy_trainer(tmp_path, 4, first).train()
    assert (first.steps, first.first_step) == (4, 1)

    resumed = finetune.StepCounter()
    trainer = _toy_trainer(tmp_path, 6, resumed)
    trainer.train(resume_from_checkpoint=str(tmp_path / "checkpoint-4"))
    assert trainer.state.global_step == 6
    assert (resumed.steps, resumed.first_step) == (2, 5)  # only the 2 missing steps ran

    restarted = finetune.StepCounter()
    _toy_trainer(tmp_path / "fresh", 6, restarted).train()
    assert (restarted.steps, restarted.first_step) == (6, 1)


def test_before_after_table_rows_and_length_check() -> None:
    table = finetune.before_after_table(["问1", "问2"], ["前1", "前2"], ["后1", "后2"])
    assert list(table.columns) == ["问题", "训练前", "训练后"]
    assert table.iloc[1].tolist() == ["问2", "前2", "后2"]
    with pytest.raises(CourseError, match="数量应该一样多"):
        finetune.before_after_table(["问1"], ["前1", "前2"], ["后1"])


def test_gpu_memory_is_none_without_cuda(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert finetune.gpu_memory_gb() is None


def test_logged_losses_reads_only_records_with_the_metric() -> None:
    from course_utils.finetune import logged_losses

    history = [{"loss": 2.5, "step": 2}, {"eval_loss": 9.0, "step": 2}, {"loss": 1.5, "step": 4}, {"train_runtime": 1.0}]
    trainer = SimpleNamespace(state=SimpleNamespace(log_history=history))
    assert logged_losses(trainer) == ([2, 4], [2.5, 1.5])
    assert logged_losses(trainer, "eval_loss") == ([2], [9.0])


@pytest.mark.parametrize(("fill", "finite"), [(0.5, True), (float("nan"), False)])
def test_logits_are_finite_takes_prepared_inputs(fill, finite) -> None:
    """A vision-language model needs the image too (notebook 12): the processor's output goes in as ``inputs``."""
    from transformers import BatchEncoding

    inputs = BatchEncoding({"input_ids": torch.tensor([[1, 2, 3, 4]])})
    assert course_utils.logits_are_finite(_FakeLM(fill), inputs=inputs) is finite


def test_logits_are_finite_without_tokenizer_or_inputs_is_explained() -> None:
    with pytest.raises(course_utils.CourseError, match="tokenizer=…"):
        course_utils.logits_are_finite(_FakeLM(0.5))
