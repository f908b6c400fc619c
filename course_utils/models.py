"""One registry of the course's models: short key -> real hub id (Colab) and tiny stand-in (smoke mode).

Notebooks show the learner the real hub id and call the real ``from_pretrained``/``pipeline`` APIs::

    MODEL_ID = "Qwen/Qwen2.5-0.5B-Instruct"
    model_path = resolve_model(MODEL_ID)   # real mode: the id itself; smoke mode: a local tiny checkpoint
    model = AutoModelForCausalLM.from_pretrained(model_path)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .data import DATA_DIR
from .errors import CourseError
from .hub import course_cache_dir
from .mode import is_rehearsal, is_smoke

# The stand-ins are made by this code and course_utils/tiny.py from the bundled data: their cache key is a hash of
# exactly those files (plus the transformers version), so a changed builder can never be served from a stale cache.
STANDIN_SOURCES = (Path(__file__).with_name("tiny.py"), Path(__file__))


@dataclass(frozen=True)
class ModelSpec:
    key: str
    real_id: str
    params: str  # size of the real model, for the learner
    standin: str  # name of a builder in course_utils.tiny, or "minilm" for the packaged real MiniLM
    note: str  # one line in Chinese: what the model is for


REGISTRY: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in [
        ModelSpec("sentiment-zh", "uer/roberta-base-finetuned-jd-binary-chinese", "102M", "sentiment_zh",
                  "中文情感分类（京东评论，二分类）"),
        ModelSpec("sentiment-en", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "67M",
                  "sentiment_en", "英文情感分类（SST-2 影评）"),
        ModelSpec("fill-mask-zh", "google-bert/bert-base-chinese", "102M", "bert_mlm_zh", "中文完形填空（BERT）"),
        ModelSpec("classifier-base-zh", "hfl/rbt3", "38M", "bert_mlm_zh", "用来微调分类器的 3 层中文 BERT"),
        ModelSpec("ner-zh", "uer/roberta-base-finetuned-cluener2020-chinese", "102M", "ner_zh",
                  "中文命名实体识别（人名、公司、地址……）"),
        ModelSpec("zero-shot", "MoritzLaurer/mDeBERTa-v3-base-mnli-xnli", "279M", "zero_shot",
                  "零样本分类（多语言，支持中文）"),
        ModelSpec("chat", "Qwen/Qwen2.5-0.5B-Instruct", "494M", "chat", "小型中文对话模型（默认）"),
        ModelSpec("chat-1.5b", "Qwen/Qwen2.5-1.5B-Instruct", "1.5B", "chat", "中文更好的对话模型（建议 T4）"),
        ModelSpec("gpt2", "openai-community/gpt2", "124M", "gpt2", "只懂英文的老式生成模型（没有填充词元）"),
        ModelSpec("summarize-zh", "csebuetnlp/mT5_multilingual_XLSum", "582M", "seq2seq",
                  "多语言摘要（编码器-解码器，请用 fp32）"),
        ModelSpec("embedding-zh", "BAAI/bge-small-zh-v1.5", "24M", "minilm", "中文句向量（512 维）"),
        ModelSpec("embedding-en", "sentence-transformers/all-MiniLM-L6-v2", "23M", "minilm", "英文句向量（384 维）"),
        ModelSpec("reranker", "BAAI/bge-reranker-base", "278M", "reranker", "重排序（交叉编码器）"),
        ModelSpec("bert-base-uncased", "google-bert/bert-base-uncased", "110M", "minilm",
                  "英文 BERT（离线时用同一套词表的 MiniLM 代替）"),
        ModelSpec("clip-en", "openai/clip-vit-base-patch32", "151M", "clip_en", "图文匹配（英文 CLIP，ViT-B/32）"),
        ModelSpec("clip-zh", "OFA-Sys/chinese-clip-vit-base-patch16", "188M", "clip_zh", "图文匹配（中文 CLIP，ViT-B/16）"),
        ModelSpec("vlm", "Qwen/Qwen2-VL-2B-Instruct", "2.2B", "vlm", "看图回答问题的多模态对话模型（建议 T4）"),
    ]
}
BY_REAL_ID = {spec.real_id.lower(): spec for spec in REGISTRY.values()}


def find_spec(name: str) -> ModelSpec | None:
    """The registry entry for a short key or a real hub id (case-insensitive), else None."""
    return REGISTRY.get(name) or BY_REAL_ID.get(name.lower())


def _unknown(name: str) -> CourseError:
    keys = "、".join(REGISTRY)
    return CourseError(
        f"课程的模型清单里没有 {name!r}。\n可用的简称：{keys}\n"
        "在 real 模式下也可以直接写 Hub 上的完整名字（形如 '组织名/模型名'）；"
        "smoke（离线）模式只能用清单里的模型，因为没有网络可以下载别的。"
    )


def resolve_model(name: str, *, smoke: bool | None = None) -> str:
    """Turn a key or hub id into what ``from_pretrained`` should load in the current world.

    Real mode: the hub id (any hub id is allowed). Rehearsal: the hub id too, after making sure the private hub
    cache holds its imitation (``course_utils.imitations``). Smoke mode: the folder of a tiny local stand-in.
    """
    if not isinstance(name, str) or not name.strip():
        raise CourseError(f"模型名字应该是一个非空字符串，比如 'Qwen/Qwen2.5-0.5B-Instruct'，现在是 {name!r}。")
    spec = find_spec(name.strip())
    smoke = is_smoke() if smoke is None else smoke
    if spec is not None and spec.standin == "vlm":
        allow_image_only_processors()
    if not smoke and is_rehearsal():
        if spec is None:
            raise _unknown(name)
        from .imitations import ensure_imitation

        ensure_imitation(spec.real_id)
        return spec.real_id
    if not smoke:
        if spec is not None:
            return spec.real_id
        if "/" in name or Path(name).exists():
            return name  # any other hub id or local folder is the learner's choice
        raise _unknown(name)
    if spec is None:
        if Path(name).exists():
            return name
        raise _unknown(name)
    return str(standin_path(spec.standin))


def real_model_id(name: str) -> str:
    """The real hub id behind a key (for printing model cards and links)."""
    spec = find_spec(name)
    if spec is None:
        raise _unknown(name)
    return spec.real_id


def standin_fingerprint() -> str:
    """Changes when the builders, the bundled data or transformers change (vocabularies and baking use the data)."""
    from importlib.metadata import version

    # the library version is part of the key: a checkpoint is saved in the format of the transformers that wrote it
    digest = hashlib.sha256(version("transformers").encode())
    for path in STANDIN_SOURCES:
        digest.update(path.read_bytes())
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def standin_path(standin: str) -> Path:
    """Folder of a smoke stand-in, building it on first use (seconds) and caching it for later notebooks."""
    if standin == "minilm":
        from .tiny import minilm_path

        return minilm_path()
    from .tiny import BUILDERS

    if standin not in BUILDERS:
        raise CourseError(f"没有名为 {standin!r} 的小模型构建器。")
    target = course_cache_dir() / "standins" / f"{standin}-{standin_fingerprint()}"
    if (target / "config.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build in a private folder, then rename: two notebooks running in parallel never see half a checkpoint.
    scratch = Path(tempfile.mkdtemp(prefix=f".{standin}-", dir=target.parent))
    try:
        BUILDERS[standin](scratch)
        try:
            os.replace(scratch, target)
        except OSError:  # another process finished first: its copy is as good as ours
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        if scratch.exists() and scratch != target:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def describe_models() -> list[str]:
    """One Chinese line per registered model: key, real id, size, purpose."""
    return [f"{s.key:<20} {s.real_id:<58} {s.params:>5}  {s.note}" for s in REGISTRY.values()]


class _NoVideoProcessor:
    """What ``AutoVideoProcessor`` gives after ``allow_image_only_processors``: no video half."""

    @staticmethod
    def from_pretrained(*args, **kwargs) -> None:
        return None


def allow_image_only_processors() -> bool:
    """Let a processor with a video half (Qwen2-VL's) load without torchvision, for images and text only.

    transformers builds ``Qwen2VLProcessor`` with a video processor, and its video processors need torchvision.
    Colab has torchvision, so there nothing changes (returns False). The course's CPU machines cannot have it (the
    registry's torchvision wheels are built for CUDA torch and fail to import with the CPU torch), so there the
    processor is loaded with ``video_processor=None``: images and text work exactly as before; passing videos fails.
    Idempotent; called by ``resolve_model`` for the registered vision-language model. Returns whether it patched.
    """
    from transformers.utils import is_torchvision_available

    if is_torchvision_available():
        return False
    from transformers import processing_utils

    mapping = processing_utils.MODALITY_TO_AUTOPROCESSOR_MAPPING
    if getattr(mapping, "_course_image_only", False):
        return True
    mapping._MAPPING_NAMES = {**mapping._MAPPING_NAMES, "video_processor": (__name__, "_NoVideoProcessor")}
    check = processing_utils.ProcessorMixin.check_argument_for_proper_class

    def check_argument_for_proper_class(self, argument_name, argument):
        if argument is None and argument_name == "video_processor":
            return None
        return check(self, argument_name, argument)

    processing_utils.ProcessorMixin.check_argument_for_proper_class = check_argument_for_proper_class
    mapping._course_image_only = True
    return True
