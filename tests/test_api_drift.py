"""API drift: the keyword arguments and task names the notebooks use must exist in the installed libraries.

Renamed arguments in trl/transformers are the most common way courses like this break (max_seq_length,
evaluation_strategy, tokenizer=, return_all_scores, ...). This test reads every notebook's code, finds calls to
the APIs below and checks each keyword against ``inspect.signature`` of what is installed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from importlib import metadata

import pytest
from packaging.version import Version

from tests import drift
from tests.nbtools import calls, load, notebook_paths, parsed_cells

# call name -> "module:attribute" whose signature defines the allowed keywords
CHECKED = {
    "pipeline": "transformers:pipeline",
    "TrainingArguments": "transformers:TrainingArguments",
    "Trainer": "transformers:Trainer",
    "BitsAndBytesConfig": "transformers:BitsAndBytesConfig",
    "DataCollatorWithPadding": "transformers:DataCollatorWithPadding",
    "SFTConfig": "trl:SFTConfig",
    "SFTTrainer": "trl:SFTTrainer",
    "DPOConfig": "trl:DPOConfig",
    "DPOTrainer": "trl:DPOTrainer",
    "LoraConfig": "peft:LoraConfig",
    "get_peft_model": "peft:get_peft_model",
    "prepare_model_for_kbit_training": "peft:prepare_model_for_kbit_training",
    "SentenceTransformer": "sentence_transformers:SentenceTransformer",
    "CrossEncoder": "sentence_transformers:CrossEncoder",
}
# removed or renamed keywords, refused even where a signature takes **kwargs; value = what to use instead
REMOVED = {
    "return_all_scores": "top_k=None",
    "grouped_entities": "aggregation_strategy='simple'",
    "max_seq_length": "max_length",
    "max_prompt_length": "max_length + truncation_mode",
    "evaluation_strategy": "eval_strategy",
    "no_cuda": "use_cpu",
    "logging_dir": "(removed in transformers 5)",
    "overwrite_output_dir": "(removed in transformers 5)",
    "group_by_length": "(removed in transformers 5)",
    "use_auth_token": "token",
    "torch_dtype": "dtype",
}
# removed only from these calls (BitsAndBytesConfig itself still takes them)
REMOVED_IN = {"load_in_4bit": ("from_pretrained", "pipeline"), "load_in_8bit": ("from_pretrained", "pipeline")}
REMOVED_FOR = {"tokenizer": ("SFTTrainer", "DPOTrainer", "Trainer")}  # trainers take processing_class=

NOTEBOOKS = notebook_paths()


def _signature(target: str) -> inspect.Signature:
    module_name, attr = target.split(":")
    return inspect.signature(getattr(importlib.import_module(module_name), attr))


def _used_calls(path):
    for tree in parsed_cells(load(path)):
        yield from calls(tree)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_keywords_exist_in_installed_libraries(path) -> None:
    problems = []
    for name, node in _used_calls(path):
        keywords = [k.arg for k in node.keywords if k.arg]  # k.arg is None for **kwargs
        for keyword in keywords:
            if keyword in REMOVED:
                problems.append(f"{name}({keyword}=…) 已被移除，请改用 {REMOVED[keyword]}")
            if name in REMOVED_FOR.get(keyword, ()):
                problems.append(f"{name}(tokenizer=…) 在 trl 1.x / transformers 5 里是 processing_class=…")
            if name in REMOVED_IN.get(keyword, ()):
                problems.append(f"{name}({keyword}=…) 已被移除，请改用 quantization_config=BitsAndBytesConfig(...)")
        if name not in CHECKED:
            continue
        parameters = _signature(CHECKED[name]).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        unknown = [k for k in keywords if k not in parameters and not takes_any]
        if unknown:
            problems.append(f"{name} 不认识参数 {unknown}（已安装版本的签名里没有）")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_pipeline_tasks_exist(path) -> None:
    from transformers.pipelines import SUPPORTED_TASKS, TASK_ALIASES

    known = set(SUPPORTED_TASKS) | set(TASK_ALIASES)
    for name, node in _used_calls(path):
        if name != "pipeline":
            continue
        task = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "task"), None)
        if isinstance(task, ast.Constant) and isinstance(task.value, str):
            assert task.value in known, f"{path.name}: pipeline 任务 {task.value!r} 在 transformers 5 里不存在"


def test_the_checker_catches_a_renamed_argument(tmp_path, monkeypatch) -> None:
    """The drift check itself must fail on old-style code (otherwise it asserts nothing)."""
    import json

    from tests import test_api_drift as me

    source = ("from trl import SFTConfig\nSFTConfig(output_dir='x', max_seq_length=512)\npipeline('summarization')\n"
              "AutoModel.from_pretrained('m', load_in_4bit=True)\nBitsAndBytesConfig(load_in_4bit=True)")
    nb = {"cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "99_old.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError, match="max_length") as caught:
        me.test_keywords_exist_in_installed_libraries(path)
    assert "from_pretrained(load_in_4bit" in str(caught.value)
    assert "BitsAndBytesConfig(load_in_4bit" not in str(caught.value)
    with pytest.raises(AssertionError, match="summarization"):
        me.test_pipeline_tasks_exist(path)


# ------------------------------------------------------------------ drift 2.0: what a signature cannot show (tests/drift.py)

# config classes built from literal keywords, and the settings each needs to be built at all on a CPU machine
PROBED_CONFIGS = {
    "TrainingArguments": ("transformers:TrainingArguments", {"report_to": "none", "use_cpu": True}),
    "SFTConfig": ("trl:SFTConfig", {"report_to": "none", "use_cpu": True, "bf16": False}),
    "DPOConfig": ("trl:DPOConfig", {"report_to": "none", "use_cpu": True, "bf16": False}),
    "LoraConfig": ("peft:LoraConfig", {}),
    "GenerationConfig": ("transformers:GenerationConfig", {}),
}


def _trees(path) -> list[ast.AST]:
    return list(parsed_cells(load(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_deprecated_keywords_or_attributes(path) -> None:
    renamed = drift.deprecated_kwargs()
    attributes = drift.deprecated_attributes(drift.default_attribute_classes())
    uses = list(drift.deprecated_uses(_trees(path), renamed, attributes))
    assert not uses, f"{path.name} 用了已弃用的写法（学员会看到 FutureWarning，将来会报错）：\n" + "\n".join(uses)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_config_keywords_do_not_warn(path, tmp_path) -> None:
    problems = []
    for name, node in _used_calls(path):
        if name not in PROBED_CONFIGS:
            continue
        target, base = PROBED_CONFIGS[name]
        literal = {k.arg: k.value.value for k in node.keywords if k.arg and isinstance(k.value, ast.Constant)}
        if name not in ("LoraConfig", "GenerationConfig"):
            base = {**base, "output_dir": str(tmp_path)}
        module_name, attr = target.split(":")
        found = drift.config_keyword_warnings(getattr(importlib.import_module(module_name), attr), literal, **base)
        problems += [f"{name}({keyword}=…)：{message}" for keyword, message in found.items()]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_course_libraries_agree_on_versions() -> None:
    """Declared requirements between the installed course libraries hold (a broken set fails here, not in class)."""
    conflicts = drift.requirement_conflicts()
    assert not conflicts, "已安装的课程库彼此的版本要求不满足：\n" + "\n".join(map(str, conflicts))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_version_gates_are_met(path) -> None:
    findings = drift.version_gate_findings(path.name, _trees(path))
    assert not findings, "\n".join(map(str, findings))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_course_uses_peft_adapter_api_not_the_gated_one(path) -> None:
    """Policy, whatever is installed today: transformers moves its minimum peft up without warning (5.24 demanded a
    peft that did not exist), so notebooks switch adapters with peft's own PeftModel methods."""
    _minimum, gated = drift.transformers_adapter_gate()
    uses = drift.gated_adapter_uses(_trees(path), gated)
    assert not uses, f"{path.name} 用了 transformers 带版本关卡的适配器方法：\n" + "\n".join(uses)


def _snippet(source: str) -> list[ast.AST]:
    return [ast.parse(source)]


OLD_ADAPTER_CODE = ("m = AutoModelForCausalLM.from_pretrained('x')\nm.load_adapter('a', adapter_name='me')\n"
                    "m.set_adapter('me')\nm.disable_adapters()")
PEFT_ADAPTER_CODE = ("b = AutoModelForCausalLM.from_pretrained('x')\nm = PeftModel.from_pretrained(b, 'a', adapter_name='me')\n"
                     "m.set_adapter('me')\nwith m.disable_adapter():\n    pass")


def test_version_gate_rule_fails_on_a_transformers_that_wants_a_newer_peft(monkeypatch) -> None:
    from transformers.integrations import peft as integration

    monkeypatch.setattr(integration, "MIN_PEFT_VERSION", "99.0.0")  # a transformers from the future
    findings = drift.version_gate_findings("old.ipynb", _snippet(OLD_ADAPTER_CODE))
    text = "\n".join(map(str, findings))
    assert "m.set_adapter" in text and "m.disable_adapters" in text and "99.0.0" in text
    assert drift.version_gate_findings("new.ipynb", _snippet(PEFT_ADAPTER_CODE)) == []
    monkeypatch.setattr(integration, "MIN_PEFT_VERSION", "0.0.1")  # a gate that is met: nothing to report
    assert drift.version_gate_findings("old.ipynb", _snippet(OLD_ADAPTER_CODE)) == []


def test_requirement_rule_fails_on_a_broken_set(monkeypatch) -> None:
    real_version = drift.metadata.version
    monkeypatch.setattr(drift.metadata, "version",
                        lambda name: "0.0.1" if drift._normal(name) == "huggingface-hub" else real_version(name))
    conflicts = "\n".join(map(str, drift.requirement_conflicts()))
    assert "huggingface-hub 0.0.1" in conflicts  # transformers, datasets, ... all declare a newer hub


def test_deprecation_rules_fail_on_old_snippets(tmp_path, monkeypatch) -> None:
    """A fake library that deprecates a keyword, an attribute and a config flag the way transformers does."""
    package = tmp_path / "fakelib"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent('''
        import dataclasses, warnings
        from transformers.utils.deprecation import deprecate_kwarg

        class Output:
            @property
            def old_cache(self):
                warnings.warn("`old_cache` is deprecated, use `cache`", FutureWarning)
                return None

        @deprecate_kwarg("old_cache", "9.0", new_name="cache")
        def forward(ids, cache=None):
            return Output()

        @dataclasses.dataclass
        class FakeConfig:
            old_flag: bool | None = None
            def __post_init__(self):
                if self.old_flag is not None:
                    warnings.warn("`old_flag` is deprecated and will be removed. Use `new_flag`.", FutureWarning)
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import fakelib

    renamed = drift.deprecated_kwargs("fakelib", ("__init__.py",))
    attributes = drift.deprecated_attributes([fakelib.Output], owners=("fakelib",))
    assert renamed == {"old_cache": "cache"} and set(attributes) == {"old_cache"}
    old = _snippet("out = forward(ids, old_cache=c)\nc = out.old_cache")
    uses = "\n".join(drift.deprecated_uses(old, renamed, attributes))
    assert "old_cache=" in uses and ".old_cache" in uses
    assert list(drift.deprecated_uses(_snippet("out = forward(ids, cache=c)"), renamed, attributes)) == []
    assert set(drift.config_keyword_warnings(fakelib.FakeConfig, {"old_flag": True})) == {"old_flag"}


@pytest.mark.skipif(Version(metadata.version("transformers")) < Version("5.24.0"),
                    reason="past_key_values is deprecated from transformers 5.24 on")
def test_the_real_past_key_values_rename_is_caught() -> None:
    renamed = drift.deprecated_kwargs()
    attributes = drift.deprecated_attributes(drift.default_attribute_classes())
    uses = "\n".join(drift.deprecated_uses(_snippet("out = model(ids, past_key_values=c)\nc = out.past_key_values"),
                                           renamed, attributes))
    assert "past_key_values=" in uses and ".past_key_values" in uses
