"""Where the course lives on GitHub: one setting, from which every badge and install line is generated.

Forking the course for a class? Change ``REPO_URL`` (and ``REF``, a tag or commit learners should get), then
run ``python tools/relink.py`` to rewrite the badge and install cell of every notebook (a maintainer tool, not part
of what learners install).
"""

from __future__ import annotations

import re

REPO_URL = "https://github.com/dongshou-llm/dongshou-llm"
REF = "main"  # pin a tag (e.g. "v2026.11") for a class, so a later change cannot break it mid-term
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def _owner_repo(repo_url: str) -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?", repo_url)
    if not match:
        raise ValueError(f"REPO_URL 应该形如 https://github.com/组织/仓库，现在是 {repo_url!r}")
    return match.group(1)


def colab_url(notebook: str, repo_url: str = REPO_URL, ref: str = REF) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` straight from GitHub."""
    return f"https://colab.research.google.com/github/{_owner_repo(repo_url)}/blob/{ref}/notebooks/{notebook}"


def colab_badge(notebook: str, repo_url: str = REPO_URL, ref: str = REF) -> str:
    """Markdown for the Open-in-Colab badge of one notebook."""
    return f"[![在 Colab 中打开]({BADGE_IMAGE})]({colab_url(notebook, repo_url, ref)})"


def pip_source(repo_url: str = REPO_URL, ref: str = REF) -> str:
    """The pip requirement that installs course_utils from GitHub at the pinned ref."""
    return f"git+{repo_url}@{ref}"


def notebook_raw_url(notebook: str, repo_url: str = REPO_URL, ref: str = REF) -> str:
    """Where the pre-flight downloads a notebook from when it runs outside a checkout (on Colab)."""
    return f"https://raw.githubusercontent.com/{_owner_repo(repo_url)}/{ref}/notebooks/{notebook}"


def requirements_url(repo_url: str = REPO_URL, ref: str = REF) -> str:
    return f"https://raw.githubusercontent.com/{_owner_repo(repo_url)}/{ref}/requirements-colab.txt"


def install_cell_source(repo_url: str = REPO_URL, ref: str = REF) -> str:
    """The first code cell of every notebook: installs on Colab, does nothing where course_utils is installed."""
    return "\n".join([
        "# 第 0 步：准备环境（只在 Colab 这种“全新电脑”上安装；本地和自动测试里已经装好，会直接跳过）",
        "import importlib.util  # importlib.util.find_spec 可以检查某个包装没装，不会真的导入它",
        "",
        "if importlib.util.find_spec(\"course_utils\") is None:  # None 表示还没装课程工具包",
        "    # “!” 开头的行交给命令行执行；pip 是 Python 的“应用商店”。这里不会重装 Colab 自带的 torch",
        f"    !pip install -q -r {requirements_url(repo_url, ref)} \"{pip_source(repo_url, ref)}\"",
        "    print(\"安装完成 ✅ 在全新的运行时里装好后不需要重启；下一个单元格会再检查一遍。\")  # 安装结束的提示",
        "else:  # 已经装好（本地、自动测试，或者你已经运行过一次）",
        "    print(\"课程工具包已经安装，跳过安装 ✅\")  # 什么也不做",
    ])
