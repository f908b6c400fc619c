"""Device, precision and mode decisions, on faked hardware (no GPU is needed to test the GPU branches)."""

from __future__ import annotations

import pytest

import course_utils
from course_utils import mode as mode_module
from course_utils.env import Hardware, choose_precision, describe, get_device, trainer_precision_flags
from course_utils.errors import CourseError

T4 = Hardware(device="cuda", gpu_name="Tesla T4", compute_capability=(7, 5), vram_gb=15.0, ram_gb=12.7, is_colab=True)
A100 = Hardware(device="cuda", gpu_name="NVIDIA A100-SXM4-40GB", compute_capability=(8, 0), vram_gb=39.6)
CPU = Hardware(device="cpu", ram_gb=12.7)
MPS = Hardware(device="mps")


@pytest.mark.parametrize(("hw", "expected"), [(T4, "fp16"), (A100, "bf16"), (CPU, "fp32"), (MPS, "fp32")])
def test_precision_by_hardware(hw, expected) -> None:
    assert choose_precision(hw) == expected


def test_t4_gets_fp16_even_if_torch_claims_bf16(monkeypatch) -> None:
    # torch.cuda.is_bf16_supported() can answer True on a T4 (emulation); the decision must ignore it
    import torch

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert choose_precision(T4) == "fp16"
    assert trainer_precision_flags(T4) == {"bf16": False, "fp16": True, "use_cpu": False}


def test_trainer_flags_on_cpu_turn_bf16_off() -> None:
    # trl 1.x would switch bf16 on by itself; on CPU that raises, so all flags are explicit
    assert trainer_precision_flags(CPU) == {"bf16": False, "fp16": False, "use_cpu": True}
    assert trainer_precision_flags(A100) == {"bf16": True, "fp16": False, "use_cpu": False}


def test_report_lines_are_chinese_and_name_the_gpu() -> None:
    lines = describe(T4)
    assert any("Tesla T4" in line and "7.5" in line for line in lines)
    assert any("fp16" in line for line in lines)
    assert any("cpu" in line for line in describe(CPU))


@pytest.mark.parametrize("wrong", ["gpu", "GPU", " gpu "])
def test_gpu_is_explained_not_accepted(wrong) -> None:
    with pytest.raises(CourseError, match="cuda"):
        get_device(wrong)


def test_unknown_device_and_missing_cuda() -> None:
    import torch

    with pytest.raises(CourseError, match="不认识"):
        get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(course_utils.NeedsGPUError, match="T4"):
            get_device("cuda")
    assert get_device("cpu") == "cpu"
    assert get_device() in {"cpu", "cuda", "mps"}


def test_report_environment_prints_this_process_mode_and_device(capsys) -> None:
    hw = course_utils.report_environment()
    out = capsys.readouterr().out
    mode = course_utils.current_mode()
    assert f"课程模式：{mode.name}" in out and f"选择原因：{mode.reason}" in out
    assert f"计算设备：{hw.device}" in out and hw.device in {"cpu", "cuda", "mps"}


@pytest.mark.parametrize(
    ("env", "world", "reason"),
    [
        ({"COURSE_MODE": "smoke"}, "smoke", "COURSE_MODE"),
        ({"COURSE_MODE": "real"}, "real", "COURSE_MODE"),
        ({"COURSE_MODE": "rehearsal"}, "rehearsal", "COURSE_MODE"),
        ({"CI": "true"}, "smoke", "CI"),
        ({"HF_HUB_OFFLINE": "1"}, "smoke", "HF_HUB_OFFLINE"),
    ],
)
def test_mode_rules(monkeypatch, env, world, reason) -> None:
    for name in ("COURSE_MODE", "CI", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    decided = mode_module.decide_mode()
    assert decided.world == world and reason in decided.reason
    assert decided.smoke is (world == "smoke") and decided.rehearsal is (world == "rehearsal")


def test_no_network_means_smoke_and_says_so_loudly(monkeypatch, capsys) -> None:
    mode_module.reset_mode_for_tests()  # first undo what importing course_utils set, then clear the learner's variables
    for name in ("COURSE_MODE", "CI", *mode_module.OFFLINE_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(mode_module, "hub_reachable", lambda *a, **k: False)
    decided = mode_module.decide_mode()
    assert decided.smoke and decided.probe_failed and "连不上" in decided.reason
    try:
        mode_module.current_mode()
        warning = capsys.readouterr().err
        assert "离线小模型" in warning and "course_utils.retry_hub()" in warning and "use_hf_mirror" in warning
    finally:
        mode_module.reset_mode_for_tests()


def test_forced_modes_print_no_probe_warning(monkeypatch, capsys) -> None:
    mode_module.reset_mode_for_tests()
    monkeypatch.setenv("COURSE_MODE", "smoke")
    try:
        mode_module.current_mode()
        assert "retry_hub" not in capsys.readouterr().err
    finally:
        mode_module.reset_mode_for_tests()


def test_bad_mode_value_is_explained(monkeypatch) -> None:
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(CourseError, match="rehearsal"):
        mode_module.decide_mode()


@pytest.mark.parametrize("world", ["smoke", "rehearsal"])
def test_offline_worlds_switch_hub_libraries_offline_and_back(monkeypatch, world) -> None:
    import os

    mode_module.reset_mode_for_tests()
    monkeypatch.setenv("COURSE_MODE", world)
    for name in (*mode_module.OFFLINE_VARIABLES, "HF_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    try:
        assert mode_module.current_mode().world == world
        assert all(os.environ[name] == "1" for name in mode_module.OFFLINE_VARIABLES)
        if world == "rehearsal":  # a private cache, never the learner's own Hugging Face cache
            assert os.environ["HF_HUB_CACHE"] == str(mode_module.rehearsal_hub_cache())
            assert "huggingface" not in os.environ["HF_HUB_CACHE"]
        else:
            assert "HF_HUB_CACHE" not in os.environ
    finally:
        mode_module.reset_mode_for_tests()
    assert not any(name in os.environ for name in (*mode_module.OFFLINE_VARIABLES, "HF_HUB_CACHE"))


def test_a_user_choice_survives_undo(monkeypatch) -> None:
    import os

    mode_module.reset_mode_for_tests()
    monkeypatch.setenv("COURSE_MODE", "smoke")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the learner's own setting
    mode_module.current_mode()
    mode_module.reset_mode_for_tests()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_mirror_refuses_after_hf_import(monkeypatch) -> None:
    import transformers  # noqa: F401  (the point: it is imported already)

    with pytest.raises(CourseError, match="重启"):
        course_utils.use_hf_mirror()


def test_hf_cache_dir_follows_hf_home(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    assert course_utils.hf_cache_dir() == tmp_path / "hub"


def test_stale_module_triggers_restart_message(monkeypatch) -> None:
    import sys
    import types

    from course_utils import install

    fake = types.ModuleType("trl")
    fake.__version__ = "0.0.1"
    monkeypatch.setitem(sys.modules, "trl", fake)
    message = install.restart_message()
    assert "重启" in message and "trl" in message


def test_friendly_errors_explain_oom() -> None:
    import torch

    with pytest.raises(CourseError, match="batch size"):
        with course_utils.friendly_errors():
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def test_friendly_errors_explain_offline_hub() -> None:
    from huggingface_hub.errors import LocalEntryNotFoundError

    with pytest.raises(CourseError, match="镜像"):
        with course_utils.friendly_errors():
            raise LocalEntryNotFoundError("offline")


def test_friendly_errors_leave_other_errors_alone() -> None:
    with pytest.raises(KeyError):
        with course_utils.friendly_errors():
            raise KeyError("x")


def test_seed_makes_torch_repeatable() -> None:
    import torch

    course_utils.set_seed(7)
    first = torch.rand(3)
    course_utils.set_seed(7)
    assert torch.equal(first, torch.rand(3))


@pytest.mark.parametrize(("hw", "installed", "expected"), [("T4", True, True), ("T4", False, False), ("CPU", True, False)])
def test_4bit_training_needs_an_nvidia_gpu_and_bitsandbytes(monkeypatch, hw, installed, expected) -> None:
    from course_utils import env

    monkeypatch.setattr(env, "bitsandbytes_available", lambda: installed)
    assert env.can_train_4bit({"T4": T4, "CPU": CPU}[hw]) is expected
