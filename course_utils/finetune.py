"""Plumbing shared by the fine-tuning lessons (06 SFT with LoRA/QLoRA, 07 DPO; the loss curves of 08 and 13 too).

The notebooks show the learner every call that teaches something (``from_pretrained``, ``LoraConfig``,
``SFTConfig``, ``trainer.train``); this module only holds the parts that are the same in both lessons and
would distract there: the 4-bit config built from the machine's precision, the Google Drive switch for
checkpoints, the fix for trainable weights that trl casts to bf16, an fp16-overflow probe, a step counter for
the resume demo, the before/after answer table and the logged loss curve of any trainer.

Importing this module imports ``transformers`` (the step counter is a ``TrainerCallback``), so it is not
imported by ``course_utils/__init__``: notebooks write ``from course_utils import finetune``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transformers import TrainerCallback

from .env import in_colab, torch_dtype
from .errors import CourseError

DRIVE_MOUNT_POINT = "/content/drive"  # where google.colab.drive.mount puts "My Drive" on Colab
DRIVE_COURSE_FOLDER = "MyDrive/llm-course"  # the course's folder inside the learner's Drive


def qlora_config(compute_dtype=None):
    """The QLoRA loading recipe: 4-bit NF4 weights, double quantisation, 16-bit compute.

    ``compute_dtype`` defaults to the machine's precision (fp16 on a T4, bf16 on Ampere and newer). bf16 compute on
    a T4 is emulated and slow, so it is never hard-coded.
    """
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,  # store the frozen base weights in 4 bits
        bnb_4bit_quant_type="nf4",  # NormalFloat-4: 16 levels placed where normally distributed weights are dense
        bnb_4bit_use_double_quant=True,  # quantise the per-block scaling constants too (saves ~0.4 bit/param)
        bnb_4bit_compute_dtype=compute_dtype or torch_dtype(),  # weights are unpacked to this dtype to multiply
    )


def keep_trainable_fp32(model) -> int:
    """Cast every trainable parameter that is not float32 to float32; return how many were cast.

    trl's SFTTrainer casts the LoRA weights of a 4-bit model to bf16 (the QLoRA paper's recipe). On a T4 that
    trains with fp16 mixed precision this is the wrong dtype: bf16 is emulated there and the fp16 gradient scaler
    expects fp32 master weights. LoRA weights are few, so keeping them in fp32 costs almost no memory.
    Call it after creating the trainer and before ``trainer.train()`` (the optimizer is created inside train()).
    """
    import torch

    cast = 0
    for param in model.parameters():
        if param.requires_grad and param.dtype != torch.float32:
            param.data = param.data.to(torch.float32)
            cast += 1
    return cast


def trainable_dtypes(model) -> set[str]:
    """The dtypes of the trainable parameters, as short names (e.g. {"float32"})."""
    return {str(p.dtype).replace("torch.", "") for p in model.parameters() if p.requires_grad}


def checkpoint_dir(local: str | Path, *, use_drive: bool = False, drive_root: str | Path | None = None) -> Path:
    """The folder for checkpoints: ``local`` (relative to the working directory) or, on request, Google Drive.

    Colab deletes the machine's disk when the runtime disconnects; a folder on Drive survives. Drive is opt-in
    (it asks the learner for permission) and only exists inside Colab; elsewhere we say so and stay local.
    """
    local = Path(local)
    if use_drive and not in_colab():
        print("⚠️ 现在不在 Colab 里，没法挂载 Google Drive，检查点先存在本地：", local)
    elif use_drive:
        from google.colab import drive  # only importable inside Colab

        drive.mount(DRIVE_MOUNT_POINT)  # Colab shows a permission dialog the first time
        root = Path(drive_root) if drive_root is not None else Path(DRIVE_MOUNT_POINT) / DRIVE_COURSE_FOLDER
        target = root / local  # the same relative path, e.g. MyDrive/llm-course/outputs/06/checkpoints
        target.mkdir(parents=True, exist_ok=True)
        print("检查点会保存到 Google Drive：", target)
        return target
    local.mkdir(parents=True, exist_ok=True)
    return local


class StepCounter(TrainerCallback):
    """Counts the optimizer steps that ONE call of ``trainer.train()`` really performs.

    After ``train(resume_from_checkpoint=...)`` the trainer's ``state.global_step`` and ``log_history`` include the
    steps restored from the checkpoint, so they cannot tell a real resume from a restart. This counter can:
    ``first_step`` is the global step reached by the first step of this call, ``steps`` how many steps it ran.
    """

    def __init__(self) -> None:
        self.steps = 0
        self.first_step: int | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        self.steps, self.first_step = 0, None

    def on_step_end(self, args, state, control, **kwargs):
        self.steps += 1
        if self.first_step is None:
            self.first_step = state.global_step


def before_after_table(questions: Sequence[str], before: Sequence[str], after: Sequence[str]):
    """A pandas DataFrame with one row per question: the answer before and after training."""
    import pandas as pd

    if not len(questions) == len(before) == len(after):
        raise CourseError(
            f"问题、训练前回答、训练后回答的数量应该一样多，现在是 {len(questions)}、{len(before)}、{len(after)}。"
        )
    return pd.DataFrame({"问题": list(questions), "训练前": list(before), "训练后": list(after)})


def free_memory() -> None:
    """Give back the memory of models no variable refers to any more (set those variables to None first).

    On a CPU-only Colab (about 12.7 GB of RAM) every fp32 copy of Qwen2.5-0.5B costs about 2 GB; notebook 06 loads
    several copies one after another (training, resume, merge, adapter demos) and must keep at most two alive.
    """
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def gpu_memory_gb() -> float | None:
    """GPU memory currently held by tensors, in GiB; None without a CUDA GPU."""
    import torch

    if not torch.cuda.is_available():
        return None
    return round(torch.cuda.memory_allocated() / 1024**3, 2)


def logged_losses(trainer, key: str = "loss") -> tuple[list[int], list[float]]:
    """(steps, values) of a logged metric from ``trainer.state.log_history`` (training loss by default).

    Set ``logging_steps`` small (e.g. 1–5) in the config so there are enough points to draw a curve.
    """
    steps, values = [], []
    for record in trainer.state.log_history:
        if key in record and "step" in record:
            steps.append(int(record["step"]))
            values.append(float(record[key]))
    return steps, values
