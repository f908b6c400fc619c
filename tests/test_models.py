"""Every smoke stand-in loads through the real Auto* classes / pipeline and does its job's shape of work."""

from __future__ import annotations

import pytest
import torch

from course_utils import CourseError, resolve_model
from course_utils.models import REGISTRY, find_spec, real_model_id


@pytest.fixture(scope="module")
def smoke_path():
    return lambda key: resolve_model(key, smoke=True)


def test_real_mode_returns_hub_ids() -> None:
    assert resolve_model("chat", smoke=False) == "Qwen/Qwen2.5-0.5B-Instruct"
    assert resolve_model("Qwen/Qwen2.5-0.5B-Instruct", smoke=False) == "Qwen/Qwen2.5-0.5B-Instruct"
    assert resolve_model("someone/their-model", smoke=False) == "someone/their-model"


def test_unknown_key_is_explained_in_chinese() -> None:
    with pytest.raises(CourseError, match="可用的简称"):
        resolve_model("chatgpt", smoke=False)
    with pytest.raises(CourseError, match="smoke"):
        resolve_model("someone/their-model", smoke=True)
    with pytest.raises(CourseError):
        resolve_model("", smoke=True)


def test_keys_and_real_ids_find_the_same_spec() -> None:
    for spec in REGISTRY.values():
        assert find_spec(spec.key) is spec
        by_id = find_spec(spec.real_id)  # two keys may share a real id's stand-in, never a different one
        assert by_id is not None and by_id.real_id == spec.real_id and by_id.standin == spec.standin
        assert real_model_id(spec.key) == spec.real_id


def test_smoke_path_is_outside_the_hf_cache(smoke_path) -> None:
    from course_utils import hf_cache_dir

    path = smoke_path("chat")
    assert not path.startswith(str(hf_cache_dir()))


def test_standins_are_small(smoke_path) -> None:
    from pathlib import Path

    for key in ("sentiment-zh", "chat", "gpt2", "summarize-zh", "ner-zh", "zero-shot", "reranker"):
        size = sum(f.stat().st_size for f in Path(smoke_path(key)).rglob("*") if f.is_file())
        assert size < 8 * 1024**2, f"{key}: {size / 1024**2:.1f} MB"


def test_sentiment_zh_pipeline_learned_the_bundled_reviews(smoke_path) -> None:
    from transformers import pipeline

    from course_utils import load_jsonl

    classifier = pipeline("sentiment-analysis", model=smoke_path("sentiment-zh"))
    rows = load_jsonl("sentiment_zh.jsonl")[:40]
    predictions = classifier([row["text"] for row in rows])
    correct = sum(p["label"].startswith("positive") == bool(row["label"]) for p, row in zip(predictions, rows))
    assert correct / len(rows) >= 0.8  # baked for a few seconds: it really separates the bundled labels
    assert {p["label"] for p in predictions} <= {"positive (stars 4 and 5)", "negative (stars 1, 2 and 3)"}


def test_sentiment_en_uses_real_bert_vocabulary(smoke_path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("sentiment-en"))
    # the real bert-base-uncased ids (curriculum correction #100)
    assert tokenizer("Hello, how are you?")["input_ids"] == [101, 7592, 1010, 2129, 2024, 2017, 1029, 102]


def test_chinese_tokenizer_splits_characters_without_unk(smoke_path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("fill-mask-zh"))
    tokens = tokenizer.tokenize("我爱北京天安门")
    assert tokens == list("我爱北京天安门")
    assert tokenizer.unk_token_id not in tokenizer("今天天气真不错")["input_ids"]


def test_fill_mask_and_ner_and_zero_shot_pipelines_run(smoke_path) -> None:
    from transformers import pipeline

    filled = pipeline("fill-mask", model=smoke_path("fill-mask-zh"))("北京是中国的[MASK]都。")
    assert len(filled) == 5 and all(len(item["token_str"]) == 1 for item in filled)
    ner = pipeline("ner", model=smoke_path("ner-zh"), aggregation_strategy="simple")("张三在云栖市工作")
    labels = {"name", "company", "address"}  # the stand-in's entity types (B-/I- prefixes merged away)
    assert all(entity["entity_group"] in labels and entity["word"] for entity in ner)
    zero = pipeline("zero-shot-classification", model=smoke_path("zero-shot"))(
        "这部手机的电池很耐用", candidate_labels=["科技", "美食", "体育"])
    assert sorted(zero["labels"]) == ["体育", "科技", "美食"] and abs(sum(zero["scores"]) - 1) < 1e-4


def test_chat_model_template_and_generate(smoke_path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = smoke_path("chat")
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    assert model.config.model_type == "qwen2" and model.config.num_key_value_heads < model.config.num_attention_heads
    messages = [{"role": "user", "content": "你好"}]
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert text.endswith("<|im_start|>assistant\n") and "<|im_start|>user\n你好<|im_end|>" in text
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
    out = model.generate(**inputs, max_new_tokens=8, do_sample=False)
    assert out.shape[0] == 1 and inputs["input_ids"].shape[1] < out.shape[1] <= inputs["input_ids"].shape[1] + 8
    assert tokenizer.pad_token == "<|endoftext|>" and tokenizer.eos_token == "<|im_end|>"


def test_chat_template_marks_assistant_tokens(smoke_path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("chat"))
    messages = [{"role": "user", "content": "你是谁"}, {"role": "assistant", "content": "我是小禾"}]
    encoded = tokenizer.apply_chat_template(messages, return_dict=True, return_assistant_tokens_mask=True)
    mask = encoded["assistant_masks"]
    answer = tokenizer.decode([i for i, m in zip(encoded["input_ids"], mask) if m])
    assert answer == "我是小禾<|im_end|>"


def test_gpt2_standin_has_no_pad_token_like_the_real_one(smoke_path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("gpt2"))
    assert tokenizer.pad_token is None
    with pytest.raises(ValueError, match="padding token"):
        tokenizer(["a", "ab c"], padding=True)
    model = AutoModelForCausalLM.from_pretrained(smoke_path("gpt2"))
    assert model.config.model_type == "gpt2"


def test_seq2seq_generates(smoke_path) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("summarize-zh"))
    model = AutoModelForSeq2SeqLM.from_pretrained(smoke_path("summarize-zh"))
    inputs = tokenizer(["青禾公司的年假是每年十五天。"], return_tensors="pt")
    out = model.generate(**inputs, max_new_tokens=6)
    assert out.shape[0] == 1 and out.shape[1] <= 7


def test_embedding_standin_is_the_real_minilm(smoke_path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(smoke_path("embedding-en"), device="cpu")
    vectors = model.encode(["A cat sits on the mat.", "A kitten rests on a rug.", "Stock prices fell today."])
    assert vectors.shape == (3, 384)
    sims = model.similarity(vectors, vectors)
    assert sims[0, 1] > sims[0, 2]  # a real model: paraphrases are closer than unrelated sentences


def test_reranker_scores_pairs(smoke_path) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(smoke_path("reranker"))
    model = AutoModelForSequenceClassification.from_pretrained(smoke_path("reranker"))
    batch = tokenizer(["年假几天"] * 2, ["年假十五天", "食堂菜单"], padding=True, return_tensors="pt")
    with torch.no_grad():
        assert model(**batch).logits.shape == (2, 1)


def test_parallel_builds_do_not_clash(tmp_path, monkeypatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from course_utils import models

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    with ThreadPoolExecutor(3) as pool:
        paths = list(pool.map(models.standin_path, ["reranker"] * 3))
    assert len(set(paths)) == 1 and (paths[0] / "config.json").exists()
    assert [p.name for p in (tmp_path / "standins").iterdir()] == [paths[0].name]


def test_standin_cache_key_follows_the_builder_source(tmp_path, monkeypatch) -> None:
    """A changed builder gets a new cache folder: no manual version number to forget."""
    from course_utils import models

    before = models.standin_fingerprint()
    changed = tmp_path / "tiny.py"
    changed.write_bytes(models.STANDIN_SOURCES[0].read_bytes() + b"\n# a builder changed\n")
    monkeypatch.setattr(models, "STANDIN_SOURCES", (changed, *models.STANDIN_SOURCES[1:]))
    assert models.standin_fingerprint() != before
    monkeypatch.undo()
    assert models.standin_fingerprint() == before


# ------------------------------------------------------------------------------------------ multimodal (notebook 12)


def _photo(width: int = 451, height: int = 300):
    """A photo-sized RGB image (chelsea's size in skimage.data) without reading any file."""
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


@pytest.mark.parametrize(("key", "model_class", "processor_class", "texts"), [
    ("clip-en", "CLIPModel", "CLIPProcessor", ["a photo of a cat", "a photo of a dog"]),
    ("clip-zh", "ChineseCLIPModel", "ChineseCLIPProcessor", ["一只猫的照片", "一只狗的照片"]),
])
def test_clip_standins_take_real_size_images(smoke_path, key, model_class, processor_class, texts) -> None:
    import transformers
    from transformers import AutoModel, AutoProcessor, pipeline

    path = smoke_path(key)
    processor = AutoProcessor.from_pretrained(path)
    model = AutoModel.from_pretrained(path)
    assert type(processor).__name__ == processor_class and type(model).__name__ == model_class
    getattr(transformers, processor_class).from_pretrained(path)  # the named classes load it too
    getattr(transformers, model_class).from_pretrained(path)
    inputs = processor(text=texts, images=_photo(), return_tensors="pt", padding=True)
    assert inputs["pixel_values"].shape == (1, 3, 224, 224)  # the real models' input size
    assert inputs["input_ids"].shape[0] == 2
    assert not any(processor.tokenizer.unk_token in processor.tokenizer.tokenize(t) for t in texts)  # CLIP: unk = eos
    with torch.no_grad():
        out = model(**inputs)
    assert out.logits_per_image.shape == (1, 2) and out.logits_per_text.shape == (2, 1)
    patch = model.config.vision_config.patch_size
    assert patch == (32 if key == "clip-en" else 16)  # ViT-B/32 and ViT-B/16, as the real ones
    with torch.no_grad():
        hidden = model.vision_model(pixel_values=inputs["pixel_values"]).last_hidden_state
    assert hidden.shape[1] == (224 // patch) ** 2 + 1  # one token per patch plus [CLS]
    result = pipeline("zero-shot-image-classification", model=path)(_photo(), candidate_labels=texts)
    assert sorted(r["label"] for r in result) == sorted(texts) and abs(sum(r["score"] for r in result) - 1) < 1e-4


def test_vlm_standin_keeps_qwen2_vl_image_token_arithmetic(smoke_path) -> None:
    from transformers import AutoModelForImageTextToText, AutoProcessor, pipeline

    path = smoke_path("vlm")
    processor = AutoProcessor.from_pretrained(path)
    model = AutoModelForImageTextToText.from_pretrained(path)
    assert type(processor).__name__ == "Qwen2VLProcessor"
    assert type(model).__name__ == "Qwen2VLForConditionalGeneration"
    images = processor.image_processor
    assert (images.patch_size, images.merge_size, images.temporal_patch_size) == (14, 2, 2)  # Qwen2-VL's values
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "描述这张图片。"}]}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True)
    assert "<|vision_start|><|image_pad|><|vision_end|>描述这张图片。" in text
    assert text.endswith("<|im_start|>assistant\n")
    inputs = processor(images=[_photo()], text=[text], return_tensors="pt")
    grid = inputs["image_grid_thw"][0].tolist()
    height, width = grid[1] * 14, grid[2] * 14  # the resized image: a multiple of 28 on each side
    assert grid[0] == 1 and height % 28 == 0 and width % 28 == 0
    assert inputs["pixel_values"].shape == (grid[1] * grid[2], 3 * 2 * 14 * 14)
    image_tokens = int((inputs["input_ids"] == model.config.image_token_id).sum())
    assert image_tokens == (height // 14) * (width // 14) // 4
    out = model.generate(**inputs, max_new_tokens=4, min_new_tokens=4, do_sample=False)
    assert out.shape[1] == inputs["input_ids"].shape[1] + 4
    with_image = [{"role": "user", "content": [{"type": "image", "image": _photo()},
                                               {"type": "text", "text": "描述这张图片。"}]}]
    answer = pipeline("image-text-to-text", model=path)(text=with_image, max_new_tokens=3)
    assert answer[0]["generated_text"][-1]["role"] == "assistant"


def test_clip_style_bpe_is_the_same_on_every_build() -> None:
    """Rebuilding a stand-in or imitation must give the same tokenizer (issue #17: the trainer numbered the word-end
    symbols in hash order, so equally frequent merges were chosen differently on every build, even in one process)."""
    from course_utils.tiny import clip_bpe_files

    first, second = clip_bpe_files(49408), clip_bpe_files(49408)
    assert first == second
    vocab, merges = first
    assert len(vocab) == 49408 and vocab["a</w>"] == 320 and vocab["<|endoftext|>"] == 49407
