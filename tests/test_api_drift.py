"""API drift: the keyword arguments and task names the notebooks use must exist in the installed libraries.

Renamed arguments in trl/transformers are the most common way courses like this break (max_seq_length,
evaluation_strategy, tokenizer=, return_all_scores, ...). This test reads every notebook's code, finds calls to
the APIs below and checks each keyword against ``inspect.signature`` of what is installed.
"""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest

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
