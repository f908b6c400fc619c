"""Cheap checks that run before any notebook executes: structure, hygiene, links, no secrets."""

from __future__ import annotations

import ast
import re

import pytest

from course_utils.links import colab_badge, install_cell_source
from tests.nbtools import code_cells, load, notebook_paths, parsed_cells, strip_magics

NOTEBOOKS = notebook_paths()
IDS = [p.name for p in NOTEBOOKS]

HARD_CODED_CUDA = re.compile(
    r"""\.to\(\s*["']cuda|device\s*=\s*["']cuda|device_map\s*=\s*["']cuda|\.cuda\(\)|torch\.device\(\s*["']cuda"""
)
ABSOLUTE_PATH = re.compile(r"""["'](?:/content/|/root/|/home/|/Users/|[A-Za-z]:\\\\)""")
SECRET = re.compile(r"hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9]{20,}|api_key\s*=\s*['\"][^'\"]+['\"]")


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ 里没有笔记本"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_file_name_is_ascii_and_numbered(path) -> None:
    assert path.name.isascii() and re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_notebook_json(path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_stripped(path) -> None:
    nb = load(path)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, f"{path.name}: 单元格 {dirty} 还带着输出，请运行 nbstripout {path}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_widget_state_in_metadata(path) -> None:
    # Colab stores ipywidgets state here; GitHub then renders the file as "Invalid Notebook"
    nb = load(path)
    assert "widgets" not in nb["metadata"], f"{path.name}: 请删除 metadata.widgets"
    for cell in nb["cells"]:
        assert "widgets" not in cell.get("metadata", {}), f"{path.name}: 请删除单元格里的 widgets 元数据"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_parses(path) -> None:
    for source in code_cells(load(path)):
        ast.parse(strip_magics(source))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_badge_and_install_cell(path) -> None:
    nb = load(path)
    title = "".join(nb["cells"][0]["source"])
    assert title.startswith("# 第 "), f"{path.name}: 第一个单元格应以「# 第 N 课」开头"
    assert colab_badge(path.name) in title, f"{path.name}: Colab 徽章缺失或过期，运行 python tools/relink.py"
    sources = list(code_cells(nb))
    assert sources and sources[0] == install_cell_source(), f"{path.name}: 第一个代码单元格应是统一的安装单元格"
    assert "report_environment()" in sources[1], f"{path.name}: 第二个代码单元格应打印环境报告"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_hard_coded_cuda_paths_or_secrets(path) -> None:
    for source in code_cells(load(path)):
        code = "\n".join(line.split("#")[0] for line in source.splitlines())  # comments may mention cuda
        assert not HARD_CODED_CUDA.search(code), f"{path.name}: 不要写死 'cuda'，用 course_utils.get_device()\n{source}"
        assert not ABSOLUTE_PATH.search(code), f"{path.name}: 不要写死绝对路径\n{source}"
        assert not SECRET.search(source), f"{path.name}: 笔记本里不能有令牌或密钥"
        assert "trust_remote_code=True" not in code, f"{path.name}: 课程里不使用 trust_remote_code=True"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_text_files_opened_as_utf8(path) -> None:
    for tree in parsed_cells(load(path)):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                "open", "read_text", "write_text"
            }:
                mode = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), "")
                if "b" in str(mode):
                    continue
                keywords = {k.arg for k in node.keywords}
                assert "encoding" in keywords, f"{path.name}: {ast.unparse(node)} 需要 encoding='utf-8'（Windows 默认编码不是 UTF-8）"


def test_colab_requirements_follow_the_install_policy() -> None:
    """requirements-colab.txt and pyproject agree (the canary installs both), never name torch, and pin nothing
    exactly (docs/install-policy.md explains why)."""
    import tomllib
    from packaging.requirements import Requirement

    from tests.nbtools import ROOT

    lines = (ROOT / "requirements-colab.txt").read_text(encoding="utf-8").splitlines()
    colab = [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    declared += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra
                 if not r.startswith("course-utils")]
    by_name = {r.name.lower(): r for r in declared}
    for requirement in colab:
        assert requirement.name.lower() != "torch", "requirements-colab.txt 不能装 torch（会替换 Colab 的 CUDA 版）"
        assert not any(s.operator in ("==", "===") for s in requirement.specifier), f"{requirement}: 不写精确版本"
        assert requirement.name.lower() in by_name, f"{requirement.name} 不在 pyproject.toml 里"
        assert requirement.specifier == by_name[requirement.name.lower()].specifier, (
            f"{requirement} 和 pyproject.toml 里的 {by_name[requirement.name.lower()]} 不一致")


def _mentions_world(node: ast.AST) -> bool:
    """True when an expression asks which world it is in (is_smoke(), is_rehearsal(), current_mode())."""
    return any(isinstance(sub, ast.Attribute | ast.Name) and (getattr(sub, "attr", None) or getattr(sub, "id", None))
               in {"is_smoke", "is_rehearsal", "current_mode"} for sub in ast.walk(node))


def _only_prints(body: list[ast.stmt]) -> bool:
    return all(isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
               and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "print" for stmt in body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_world_dependent_numbers_live_in_the_settings_table(path) -> None:
    """Settings that differ between worlds sit in one course_utils.lesson_settings table per notebook (issue #17,
    item 4); elsewhere a notebook may ask which world it is in only to print a note, never to pick a value."""
    nb = load(path)
    tables = sum(source.count("lesson_settings(") for source in code_cells(nb))
    assert tables <= 1, f"{path.name}: {tables} settings tables; one per lesson"
    for tree in parsed_cells(nb):
        for node in ast.walk(tree):
            if isinstance(node, ast.IfExp | ast.Assign | ast.AnnAssign | ast.keyword) and _mentions_world(node):
                raise AssertionError(f"{path.name}: a value depends on the world: {ast.unparse(node)[:120]!r} — "
                                     "put it in the lesson_settings table")
            if isinstance(node, ast.If) and _mentions_world(node.test):
                assert _only_prints(node.body) and _only_prints(node.orelse), (
                    f"{path.name}: `if {ast.unparse(node.test)}:` does more than print a note: "
                    "put the differing value in the lesson_settings table")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_import_style_for_course_utils(path) -> None:
    """`import course_utils` and `from course_utils import <module>`; each call then names where it comes from
    (`rag.chunk_documents(...)`, `finetune.logged_losses(...)`), so a learner can always find the code (issue #17)."""
    for tree in parsed_cells(load(path)):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_utils."):
                raise AssertionError(f"{path.name}: `from {node.module} import …` — write `from course_utils import "
                                     f"{node.module.split('.')[1]}` and call `{node.module.split('.')[1]}.<name>(…)`")
            if isinstance(node, ast.Import) and any(a.name.startswith("course_utils.") for a in node.names):
                raise AssertionError(f"{path.name}: `import course_utils.…` — write `from course_utils import <module>`")
