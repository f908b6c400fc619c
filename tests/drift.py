"""Runtime drift rules: what signatures cannot show.

``test_api_drift`` checks keyword names against ``inspect.signature``. Libraries also break or nag a course in ways a
signature hides; these functions find three of them in the *installed* libraries, so the same rules run in every CI
environment (pinned, Colab parity, newest):

1. Version gates: a library that refuses to work with an older version of another one at run time (transformers'
   own adapter methods call ``check_peft_version(MIN_PEFT_VERSION)``), and declared requirements (``Requires-Dist``)
   between the course libraries that the installed versions do not meet.
2. Deprecated keywords: ``@deprecate_kwarg("old", ..., new_name="new")`` anywhere in transformers (``past_key_values`` ->
   ``cache``), and config-class keywords whose use warns (probed by building the config with and without them).
3. Deprecated attributes: properties and methods of the classes a notebook touches whose first act is a deprecation
   warning (``output.past_key_values``, ``model.is_gradient_checkpointing``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

COURSE_LIBRARIES = ("torch", "transformers", "datasets", "accelerate", "peft", "trl", "huggingface-hub",
                    "sentence-transformers", "bitsandbytes", "tokenizers")
# loaders whose result is a plain transformers model (not a peft.PeftModel)
TRANSFORMERS_LOADERS = re.compile(r"^(Auto\w*|\w+For\w+|\w+Model)$")
PEFT_LOADERS = {"get_peft_model", "PeftModel", "AutoPeftModelForCausalLM", "AutoPeftModel"}


@dataclass(frozen=True)
class Finding:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# ------------------------------------------------------------------------------------------------ 1. version gates


def transformers_adapter_gate() -> tuple[str, set[str]]:
    """(minimum peft version, methods that enforce it) as declared by the installed transformers."""
    from transformers.integrations import peft as integration

    gated = set()
    for name, member in vars(integration.PeftAdapterMixin).items():
        function = member.fget if isinstance(member, property) else member
        if callable(function) and "check_peft_version(" in _source(function):
            gated.add(name)
    return integration.MIN_PEFT_VERSION, gated


def _installed(name: str) -> Version | None:
    try:
        return Version(metadata.version(name))
    except metadata.PackageNotFoundError:
        return None


def requirement_conflicts(libraries: Iterable[str] = COURSE_LIBRARIES) -> list[Finding]:
    """Declared requirements between course libraries that the installed versions break (like ``pip check``)."""
    wanted = {_normal(name) for name in libraries}
    findings = []
    for name in libraries:
        if _installed(name) is None:
            continue
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue  # an optional extra or another platform
            if _normal(requirement.name) not in wanted:
                continue
            have = _installed(requirement.name)
            if have is not None and not requirement.specifier.contains(have, prereleases=True):
                findings.append(Finding(name, f"要求 {requirement}，但装的是 {requirement.name} {have}"))
    return findings


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def model_variables(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to plain transformers models and to peft models by ``x = Loader.from_pretrained(...)``-style calls."""
    plain, peft = set(), set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        called = func.id if isinstance(func, ast.Name) else None
        targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if owner in PEFT_LOADERS or called in PEFT_LOADERS:
            peft |= targets
        elif owner and TRANSFORMERS_LOADERS.match(owner) and func.attr == "from_pretrained":
            plain |= targets
    return plain - peft, peft


def gated_adapter_uses(trees: list[ast.AST], gated: set[str]) -> list[str]:
    """``model.set_adapter(...)``-style uses of transformers' gated adapter methods on plain transformers models."""
    plain: set[str] = set()
    for tree in trees:
        plain |= model_variables(tree)[0]
    uses = []
    for index, tree in enumerate(trees):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in gated and isinstance(node.value, ast.Name)
                    and node.value.id in plain):
                uses.append(f"第 {index + 1} 个代码单元格：{node.value.id}.{node.attr}")
    return uses


def version_gate_findings(where: str, trees: list[ast.AST]) -> list[Finding]:
    """Uses that the installed transformers would refuse because the installed peft is older than it demands."""
    minimum, gated = transformers_adapter_gate()
    have = _installed("peft")
    if have is None or have >= Version(minimum):
        return []
    return [
        Finding(where, f"{use}：transformers 要求 peft ≥ {minimum}（装的是 {have}），这个方法会直接报错；"
                       "请改用 peft 自己的 PeftModel 方法（disable_adapter()、set_adapter、load_adapter）")
        for use in gated_adapter_uses(trees, gated)
    ]


# ------------------------------------------------------------------------------------------ 2. deprecated keywords

DEPRECATE_KWARG = re.compile(r"deprecate_kwarg\(\s*\"(\w+)\"[^)]*?new_name=\"(\w+)\"", re.S)
# the parts of transformers the course calls: the model families it loads, generation, pipelines and training
COURSE_SOURCES = ("models/qwen2", "models/bert", "models/gpt2", "models/t5", "models/mt5", "models/distilbert",
                  "models/roberta", "models/deberta_v2", "models/xlm_roberta", "generation", "pipelines",
                  "modeling_utils.py", "trainer.py", "training_args.py", "tokenization_utils_base.py")


@cache
def deprecated_kwargs(package: str = "transformers", parts: tuple[str, ...] = COURSE_SOURCES) -> dict[str, str]:
    """old keyword -> new keyword, from every ``@deprecate_kwarg`` in those parts of the installed package."""
    root = Path(importlib.import_module(package).__file__).parent
    renamed: dict[str, str] = {}
    paths = [p for part in parts for p in ([root / part] if part.endswith(".py") else (root / part).rglob("*.py"))]
    for path in paths:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if "deprecate_kwarg(" in text:
            renamed.update(DEPRECATE_KWARG.findall(text))
    return renamed


def config_keyword_warnings(target: object, keywords: dict[str, object], **base: object) -> dict[str, str]:
    """Keywords whose use makes building ``target`` warn about them: keyword -> the warning's text."""
    found = {}
    for keyword, value in keywords.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                target(**base, **{keyword: value})
            except Exception:  # noqa: BLE001 - a keyword that needs other settings is not a deprecation
                continue
        for warning in caught:
            message = str(warning.message)
            if (issubclass(warning.category, (FutureWarning, DeprecationWarning)) and "deprecat" in message.lower()
                    and re.search(rf"(?<![\w]){re.escape(keyword)}(?![\w])", message.split("deprecat")[0])):
                found[keyword] = message
    return found


# ---------------------------------------------------------------------------------------- 3. deprecated attributes


def _source(function: object) -> str:
    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return ""


def _warns_first(function: object) -> bool:
    """True when the function's first statement (after the docstring) is a warning that says 'deprecated'."""
    source = _source(function)
    if not source:
        return False
    try:
        body = ast.parse(source).body[0].body
    except (SyntaxError, IndexError, AttributeError):
        return False
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    for statement in body[:2]:
        text = ast.unparse(statement)
        if "deprecat" in text.lower() and re.search(r"warn|warning_once", text):
            return True
    return False


def deprecated_attributes(classes: Iterable[type], owners: tuple[str, ...] = ("transformers",)) -> dict[str, str]:
    """attribute -> 'Class.attribute' for properties/methods of ``classes`` whose first act is a deprecation warning."""
    found = {}
    for cls in classes:
        for klass in cls.__mro__:
            if not klass.__module__.startswith(owners):
                continue  # torch's own classes are not ours to judge
            for name, member in vars(klass).items():
                function = member.fget if isinstance(member, property) else member
                if callable(function) and not name.startswith("_") and _warns_first(function):
                    found.setdefault(name, f"{klass.__name__}.{name}")
    return found


def default_attribute_classes() -> list[type]:
    """The transformers classes whose attributes notebooks read: model outputs, models, generation, training."""
    from transformers import GenerationConfig, PreTrainedModel, TrainingArguments
    from transformers.modeling_outputs import CausalLMOutputWithPast
    from transformers.tokenization_utils_base import PreTrainedTokenizerBase

    return [CausalLMOutputWithPast, PreTrainedModel, GenerationConfig, TrainingArguments, PreTrainedTokenizerBase]


def deprecated_uses(trees: list[ast.AST], renamed: dict[str, str], attributes: dict[str, str]) -> Iterator[str]:
    """Every keyword argument and attribute read in ``trees`` that the installed libraries call deprecated."""
    for index, tree in enumerate(trees):
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in renamed:
                yield f"第 {index + 1} 个代码单元格：参数 {node.arg}= 已弃用，新名字是 {renamed[node.arg]}="
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr in attributes:
                yield f"第 {index + 1} 个代码单元格：属性 .{node.attr}（{attributes[node.attr]}）已弃用"
