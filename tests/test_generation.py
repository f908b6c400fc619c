"""course_utils.chat: the one chat helper, the same code notebook 05 teaches, answering like generate does."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

import course_utils
from course_utils import generation
from tests.nbtools import NOTEBOOK_DIR, code_cells, load, strip_magics


def _body_without_docstring_and_imports(func: ast.FunctionDef) -> str:
    body = [stmt for stmt in func.body
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))  # the docstring
            and not isinstance(stmt, (ast.Import, ast.ImportFrom))]  # the notebook imports torch at its top
    func = ast.FunctionDef(name=func.name, args=func.args, body=body, decorator_list=[], returns=None,
                           type_params=[])
    for node in ast.walk(func):  # type hints are the package's; the notebook teaches without them
        if isinstance(node, ast.arg):
            node.annotation = None
    return ast.dump(func)


def _notebook_function(notebook: str, name: str) -> ast.FunctionDef:
    for source in code_cells(load(NOTEBOOK_DIR / notebook)):
        for stmt in ast.parse(strip_magics(source)).body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
                return stmt
    raise AssertionError(f"{notebook} defines no function {name}")


def test_notebook_05_teaches_exactly_the_package_chat() -> None:
    package = ast.parse(textwrap.dedent(inspect.getsource(generation.chat))).body[0]
    taught = _notebook_function("05_rag.ipynb", "chat")
    assert _body_without_docstring_and_imports(taught) == _body_without_docstring_and_imports(package)


def _own_chat_helpers(notebook: str) -> list[str]:
    """Functions a notebook defines that call both ``generate`` and ``decode``: a hand-written chat helper."""
    found = []
    for source in code_cells(load(NOTEBOOK_DIR / notebook)):
        for node in ast.walk(ast.parse(strip_magics(source))):
            if isinstance(node, ast.FunctionDef):
                called = {call.func.attr for call in ast.walk(node)
                          if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)}
                if {"generate", "decode"} <= called:
                    found.append(node.name)
    return found


@pytest.mark.parametrize("notebook", ["06_sft_qlora.ipynb", "07_dpo.ipynb", "09_prompting_generation.ipynb",
                                      "11_chains_memory_agents.ipynb"])
def test_later_lessons_use_the_package_chat_instead_of_their_own(notebook) -> None:
    assert "course_utils.chat(" in "\n".join(code_cells(load(NOTEBOOK_DIR / notebook)))
    assert _own_chat_helpers(notebook) == []


def test_the_own_helper_finder_finds_notebook_05s() -> None:
    assert _own_chat_helpers("05_rag.ipynb") == ["chat"]


@pytest.fixture(scope="module")
def chat_model():
    path = course_utils.resolve_model("chat", smoke=True)
    return AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)


def test_chat_returns_only_the_new_text_of_a_greedy_generate(chat_model) -> None:
    model, tokenizer = chat_model
    messages = [{"role": "user", "content": "你是谁？"}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
    with torch.no_grad():
        reference = model.generate(**inputs, max_new_tokens=6, do_sample=False)
    expected = tokenizer.decode(reference[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()
    assert course_utils.chat(model, tokenizer, messages, max_new_tokens=6) == expected
    assert course_utils.chat(model, tokenizer, "你是谁？", max_new_tokens=6) == expected  # a string = one user message


def test_generation_options_reach_generate(chat_model) -> None:
    model, tokenizer = chat_model
    greedy = course_utils.chat(model, tokenizer, "你好", max_new_tokens=2)
    longer = course_utils.chat(model, tokenizer, "你好", max_new_tokens=12, repetition_penalty=1.3)
    assert len(tokenizer(longer)["input_ids"]) > len(tokenizer(greedy)["input_ids"])
    torch.manual_seed(0)
    first = course_utils.chat(model, tokenizer, "你好", max_new_tokens=8, do_sample=True, temperature=1.5)
    torch.manual_seed(0)
    assert course_utils.chat(model, tokenizer, "你好", max_new_tokens=8, do_sample=True, temperature=1.5) == first
