"""The rehearsal imitations (course_utils.imitations) carry the real models' published values.

The reference values are written here, not read from course_utils/data/real_models.json, so that a wrong fact and a
wrong builder both fail. Each names where it comes from; the sources themselves are listed per model in
docs/imitation-sources.md ("sources" below means that file's section for the model). Every imitation is built once,
into a temporary folder, by its builder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from course_utils.imitations import BUILDERS

VERY_LARGE = int(1e30)  # transformers' model_max_length when a tokenizer_config sets none

# [PAD]=0 [UNK]=100 [CLS]=101 [SEP]=102 [MASK]=103: the measured bert-base-chinese vocab (sources: bert-base-chinese;
# the same 21128-line vocab.txt for the UER, HFL and BGE models) and bert-base-uncased's (sources: bert-base-uncased)
BERT_SPECIAL_IDS = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
# sources: uer/roberta-base-finetuned-cluener2020-chinese config.json (re-saved copy and PaddleNLP mirror)
CLUENER_LABELS = [
    "O", "B-address", "I-address", "B-book", "I-book", "B-company", "I-company", "B-game", "I-game", "B-government",
    "I-government", "B-movie", "I-movie", "B-name", "I-name", "B-organization", "I-organization", "B-position",
    "I-position", "B-scene", "I-scene", "S-address", "S-book", "S-company", "S-game", "S-government", "S-movie",
    "S-name", "S-organization", "S-position", "S-scene", "[PAD]",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``built(real_id)``: the folder of that imitation, built on first use."""
    root = tmp_path_factory.mktemp("imitations")
    folders: dict[str, Path] = {}

    def build(real_id: str) -> Path:
        if real_id not in folders:
            folder = root / real_id.replace("/", "--")
            folder.mkdir()
            BUILDERS[real_id](real_id, folder)
            folders[real_id] = folder
        return folders[real_id]

    return build


def _json(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _ids(tokenizer, tokens) -> dict[str, int]:
    return {token: tokenizer.convert_tokens_to_ids(token) for token in tokens}


def test_every_registered_model_has_an_imitation() -> None:
    from course_utils.models import REGISTRY

    assert set(BUILDERS) == {spec.real_id for spec in REGISTRY.values()}


@pytest.mark.parametrize("real_id", sorted(set(BUILDERS) - {"sentence-transformers/all-MiniLM-L6-v2"}))
def test_imitations_are_small_with_whole_heads(built, real_id: str) -> None:
    folder = built(real_id)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    assert size < 100 * 1024**2, f"{real_id}: {size / 1024**2:.0f} MB"
    config = _json(folder, "config.json")
    for width, heads in (("hidden_size", "num_attention_heads"), ("dim", "n_heads"), ("n_embd", "n_head")):
        if width in config:
            assert config[width] % config[heads] == 0, f"{real_id}: {width} {config[width]}, {config[heads]} heads"


# ------------------------------------------------------------------------------------------------------- Qwen2.5

QWEN_IDS = ["Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct"]
# sources (Qwen): the Qwen2.5-Instruct chat template's default system prompt
QWEN_DEFAULT_PROMPT = ("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                       "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n")
# sources (Qwen): LLaMA-Factory training log on Qwen2.5-0.5B-Instruct, system "You are a helpful assistant."
QWEN_PROMPT_IDS = [151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198,
                   151644, 872, 198, 9707, 151645, 198, 151644, 77091, 198]


@pytest.mark.parametrize("real_id", QWEN_IDS)
def test_qwen_tokenizer_and_chat_template_are_real(built, real_id: str) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(built(real_id))
    # sources (Qwen): a test with reference ids, and the DashScope doc (108386 = 你好)
    assert tokenizer.encode("Hello") == [9707]
    assert tokenizer.encode("你好，世界") == [108386, 3837, 99489]
    assert tokenizer.encode("Hello, world!") == [9707, 11, 1879, 0]
    # sources (Qwen): tokenizer_config.json (eos <|im_end|>, pad <|endoftext|>, no bos, model_max_length 131072)
    assert _ids(tokenizer, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]) == {
        "<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645}
    assert (tokenizer.eos_token, tokenizer.pad_token, tokenizer.bos_token) == ("<|im_end|>", "<|endoftext|>", None)
    assert tokenizer.model_max_length == 131072
    assert len(tokenizer) == 151665  # 151643 vocab.json entries + 22 added tokens (sources: Qwen, tokenizer)
    hello = [{"role": "user", "content": "Hello"}]
    assert tokenizer.apply_chat_template(hello, tokenize=False, add_generation_prompt=True) == QWEN_DEFAULT_PROMPT
    with_system = [{"role": "system", "content": "You are a helpful assistant."}, *hello]
    rendered = tokenizer.apply_chat_template(with_system, tokenize=False, add_generation_prompt=True)
    assert tokenizer.encode(rendered) == QWEN_PROMPT_IDS


@pytest.mark.parametrize("real_id", QWEN_IDS)
def test_qwen_config_and_generation_defaults_are_real(built, real_id: str) -> None:
    from transformers import AutoConfig, GenerationConfig

    config = AutoConfig.from_pretrained(built(real_id))
    # sources (Qwen): config.json (14 attention heads in the 0.5B, 12 in the 1.5B; 2 KV heads in both)
    assert config.architectures == ["Qwen2ForCausalLM"]
    assert config.num_attention_heads == (14 if "0.5B" in real_id else 12)
    assert (config.vocab_size, config.num_key_value_heads, config.tie_word_embeddings) == (151936, 2, True)
    assert (config.bos_token_id, config.eos_token_id, config.max_position_embeddings) == (151643, 151645, 32768)
    generation = GenerationConfig.from_pretrained(built(real_id))
    # sources (Qwen): generation_config.json as loaded in a transformers log
    assert generation.do_sample is True
    assert (generation.temperature, generation.top_p, generation.top_k) == (0.7, 0.8, 20)
    assert generation.repetition_penalty == 1.1
    assert generation.eos_token_id == [151645, 151643]
    assert (generation.bos_token_id, generation.pad_token_id) == (151643, 151643)


# ------------------------------------------------------------------------------------------ Chinese BERT family

CHINESE_BERTS = {
    # real id: (architecture, id2label or None, model_max_length, do_lower_case)
    # sources (jd-binary): label strings from real pipeline outputs, order from the sibling Dianping model; no
    # tokenizer_config published, the sibling jd-full's re-save shows do_lower_case true and no model_max_length
    "uer/roberta-base-finetuned-jd-binary-chinese": (
        "BertForSequenceClassification", {0: "negative (stars 1, 2 and 3)", 1: "positive (stars 4 and 5)"},
        VERY_LARGE, True),
    # sources (bert-base-chinese): config.json and tokenizer_config.json {"do_lower_case": false, "model_max_length": 512}
    "google-bert/bert-base-chinese": ("BertForMaskedLM", None, 512, False),
    # sources (rbt3): config.json; tokenizer_config not found, the sibling hfl/rbtl3's is 19 bytes (no length limit)
    "hfl/rbt3": ("BertForMaskedLM", None, VERY_LARGE, True),
    # sources (cluener): config.json, 32 labels; tokenizer_config as for the jd model (same uploader)
    "uer/roberta-base-finetuned-cluener2020-chinese": (
        "BertForTokenClassification", dict(enumerate(CLUENER_LABELS)), VERY_LARGE, True),
    # sources (bge-small-zh): config.json (Xenova copy) and the official tokenizer_config.json
    "BAAI/bge-small-zh-v1.5": ("BertModel", {0: "LABEL_0"}, 512, False),
}


@pytest.mark.parametrize("real_id", list(CHINESE_BERTS))
def test_chinese_bert_has_real_settings(built, real_id: str) -> None:
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    architecture, id2label, max_length, lower = CHINESE_BERTS[real_id]
    folder = built(real_id)
    config = AutoConfig.from_pretrained(folder)
    assert config.architectures == [architecture]
    assert config.vocab_size == 21128 and config.max_position_embeddings == 512 and config.pad_token_id == 0
    if id2label is not None:
        assert config.id2label == id2label
        assert config.label2id == {label: index for index, label in id2label.items()}
    if real_id == "hfl/rbt3":
        assert config.num_hidden_layers == 3  # the "3" of rbt3 (sources: rbt3 config.json)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert type(tokenizer).__name__ == "BertTokenizer"
    assert len(tokenizer) == 21128 and _ids(tokenizer, BERT_SPECIAL_IDS) == BERT_SPECIAL_IDS
    assert tokenizer.model_max_length == max_length and tokenizer.do_lower_case is lower
    model = getattr(transformers, architecture).from_pretrained(folder)
    with torch.no_grad():
        out = model(**tokenizer(["今天天气真不错", "客服态度很好"], padding=True, return_tensors="pt"))
    if architecture == "BertForSequenceClassification":
        assert out.logits.shape == (2, len(id2label))
    elif architecture == "BertForTokenClassification":
        assert out.logits.shape[-1] == 32
    elif architecture == "BertForMaskedLM":
        assert out.logits.shape[-1] == 21128


def test_chinese_vocab_splits_characters_and_knows_all_course_text(built) -> None:
    from transformers import AutoTokenizer

    from course_utils.data import bundled_texts

    tokenizer = AutoTokenizer.from_pretrained(built("google-bert/bert-base-chinese"))
    assert tokenizer.tokenize("我爱北京天安门") == list("我爱北京天安门")
    text = "客服态度很好，问题很快就解决了"  # notebook 02's round trip
    assert tokenizer.decode(tokenizer.encode(text), skip_special_tokens=True).replace(" ", "") == text
    for line in bundled_texts():
        assert tokenizer.unk_token not in tokenizer.tokenize(line), line


def test_bge_small_zh_is_a_sentence_transformers_folder_like_the_real_one(built) -> None:
    from sentence_transformers import SentenceTransformer

    folder = built("BAAI/bge-small-zh-v1.5")
    # sources (bge-small-zh): modules.json (229 B: Transformer + Pooling, no Normalize), 1_Pooling/config.json (CLS)
    modules = _json(folder, "modules.json")
    assert [m["type"] for m in modules] == ["sentence_transformers.models.Transformer",
                                            "sentence_transformers.models.Pooling"]
    pooling = _json(folder, "1_Pooling/config.json")
    assert pooling["pooling_mode_cls_token"] is True and pooling["pooling_mode_mean_tokens"] is False
    assert _json(folder, "sentence_bert_config.json")["max_seq_length"] == 512  # sources: inferred from 52 bytes
    model = SentenceTransformer(str(folder), device="cpu")
    hidden = _json(folder, "config.json")["hidden_size"]
    assert model.get_embedding_dimension() == pooling["word_embedding_dimension"] == hidden
    assert model.max_seq_length == 512
    assert model.encode(["年假需要提前几天申请？", "病假"]).shape == (2, hidden)
    assert "[UNK]" not in model.tokenizer.tokenize("年假需要提前几天申请？")


# ---------------------------------------------------------------------------------------- English BERT family

HELLO_IDS = [101, 7592, 1010, 2129, 2024, 2017, 1029, 102]  # sources (bert-base-uncased): "Hello, how are you?"


def test_distilbert_sst2_has_real_vocab_labels_and_settings(built) -> None:
    from transformers import pipeline

    folder = built("distilbert/distilbert-base-uncased-finetuned-sst-2-english")
    classifier = pipeline("sentiment-analysis", model=str(folder), device="cpu")
    config = classifier.model.config
    # sources (distilbert sst-2): config.json; tokenizer settings from re-saved copies (all agree)
    assert config.architectures == ["DistilBertForSequenceClassification"]
    assert config.id2label == {0: "NEGATIVE", 1: "POSITIVE"} and config.vocab_size == 30522
    tokenizer = classifier.tokenizer
    assert tokenizer("Hello, how are you?")["input_ids"] == HELLO_IDS
    assert tokenizer.model_max_length == 512 and tokenizer.do_lower_case is True
    assert classifier("I love this movie")[0]["label"] in {"NEGATIVE", "POSITIVE"}


def test_bert_base_uncased_has_real_vocab_and_settings(built) -> None:
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    folder = built("google-bert/bert-base-uncased")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.encode("Hello, how are you?") == HELLO_IDS
    assert len(tokenizer) == 30522 and _ids(tokenizer, BERT_SPECIAL_IDS) == BERT_SPECIAL_IDS
    assert tokenizer.model_max_length == 512  # sources: tokenizer_config.json {"do_lower_case": true, ...: 512}
    config = AutoConfig.from_pretrained(folder)
    assert config.architectures == ["BertForMaskedLM"] and config.vocab_size == 30522
    model = AutoModel.from_pretrained(folder)  # notebook 10: the encoder without its heads
    assert model.get_input_embeddings().weight.shape[0] == 30522


def test_all_minilm_is_the_real_model(built) -> None:
    from sentence_transformers import SentenceTransformer

    from course_utils.tiny import minilm_path

    folder = built("sentence-transformers/all-MiniLM-L6-v2")
    shipped = sorted(p.relative_to(minilm_path()) for p in minilm_path().rglob("*") if p.is_file())
    assert sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file()) == shipped
    assert (folder / "model.safetensors").read_bytes() == (minilm_path() / "model.safetensors").read_bytes()
    assert SentenceTransformer(str(folder), device="cpu").get_embedding_dimension() == 384  # the real 384


# ------------------------------------------------------------------------- multilingual SentencePiece family


def test_mdeberta_has_real_special_ids_labels_and_dtype(built) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = built("MoritzLaurer/mDeBERTa-v3-base-mnli-xnli")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert type(tokenizer).__name__ == "DebertaV2Tokenizer"
    # sources (mDeBERTa): config pad_token_id 0, added_tokens.json {"[MASK]": 250101}, DeBERTa-v3 layout 1/2/3
    special = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3, "[MASK]": 250101}
    assert _ids(tokenizer, special) == special and len(tokenizer) == 250102
    assert tokenizer.model_max_length == 512  # sources: tokenizer_config.json
    pair = tokenizer("国家队逆转", "这段话是关于体育的。")["input_ids"]
    assert pair[0] == 1 and pair.count(2) == 2 and 3 not in pair  # [CLS] a [SEP] b [SEP], no [UNK]
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    config = model.config
    # sources (mDeBERTa): config.json (torch_dtype float16, vocab_size 251000, the NLI labels)
    assert config.architectures == ["DebertaV2ForSequenceClassification"] and config.vocab_size == 251000
    assert config.id2label == {0: "entailment", 1: "neutral", 2: "contradiction"}
    assert config.label2id == {"contradiction": 2, "entailment": 0, "neutral": 1}
    assert model.dtype == torch.float16  # like the real float16 weights, under transformers 5's dtype="auto"


def test_mt5_xlsum_has_real_special_ids_and_generation_defaults(built) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder = built("csebuetnlp/mT5_multilingual_XLSum")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert type(tokenizer).__name__ == "T5Tokenizer"
    # sources (mT5 XLSum): config pad 0 / eos 1, special_tokens_map, standard mT5 <unk>=2; 250100 spm pieces
    special = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    assert _ids(tokenizer, special) == special and len(tokenizer) == 250100
    assert tokenizer.model_max_length == VERY_LARGE  # sources: "not set", the model card truncates at 512
    assert tokenizer("本市昨日发布公告")["input_ids"][-1] == 1  # T5 ends every input with </s>
    assert not (folder / "generation_config.json").exists()  # sources: the repo ships none
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=torch.float32)
    config, generation = model.config, model.generation_config
    # sources (mT5 XLSum): config.json, generation defaults included
    assert config.architectures == ["MT5ForConditionalGeneration"] and config.vocab_size == 250112
    assert config.decoder_start_token_id == 0 and config.is_encoder_decoder
    assert (generation.max_length, generation.num_beams, generation.no_repeat_ngram_size) == (84, 4, 2)
    assert generation.length_penalty == 0.6
    assert model.lm_head.weight is not model.shared.weight  # tie_word_embeddings false: its own output layer
    inputs = tokenizer("本市昨日发布公告，将新建二十所中小学。", return_tensors="pt")
    assert model.generate(**inputs, max_new_tokens=5, num_beams=4, no_repeat_ngram_size=2).shape[1] <= 6


def test_bge_reranker_has_real_special_ids_and_one_score(built) -> None:
    from sentence_transformers import CrossEncoder

    folder = built("BAAI/bge-reranker-base")
    reranker = CrossEncoder(str(folder), device="cpu")
    tokenizer, config = reranker.tokenizer, reranker.model.config
    assert type(tokenizer).__name__ == "XLMRobertaTokenizer"
    # sources (bge-reranker-base): tokenizer_config / added_tokens_decoder of a re-save of its snapshot
    special = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": 250001}
    assert _ids(tokenizer, special) == special and len(tokenizer) == 250002
    assert tokenizer.model_max_length == 512
    tokens = tokenizer.convert_ids_to_tokens(tokenizer("年假", "五天")["input_ids"])
    assert (tokens[0], tokens[-1], tokens.count("</s>")) == ("<s>", "</s>", 3)  # <s> q </s></s> p </s>
    # sources (bge-reranker-base): config.json (Xenova copy)
    assert config.architectures == ["XLMRobertaForSequenceClassification"] and config.num_labels == 1
    assert (config.vocab_size, config.max_position_embeddings, config.pad_token_id) == (250002, 514, 1)
    ranked = reranker.rank("年假需要提前几天申请？", ["年假要提前三天申请。", "病假需要医院证明。"], top_k=2)
    assert sorted(r["corpus_id"] for r in ranked) == [0, 1]


# ------------------------------------------------------------------------------------------------------ GPT-2


def test_gpt2_has_no_pad_token_and_real_defaults(built) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = built("openai-community/gpt2")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert type(tokenizer).__name__ == "GPT2Tokenizer"
    # sources (gpt2): tokenizer_config.json {"model_max_length": 1024}; <|endoftext|> = 50256 is bos, eos and unk;
    # no pad token; 50257 tokens
    assert len(tokenizer) == 50257 and tokenizer.convert_tokens_to_ids("<|endoftext|>") == 50256
    assert tokenizer.bos_token_id == tokenizer.eos_token_id == 50256 and tokenizer.pad_token is None
    assert tokenizer.model_max_length == 1024
    # GPT-2's byte alphabet comes first, in OpenAI's bytes_to_unicode order: "!" is 0 and a space ("Ġ") is 220
    assert tokenizer("!")["input_ids"] == [0] and tokenizer.convert_tokens_to_ids("Ġ") == 220
    with pytest.raises(ValueError, match="pad"):  # notebook 03 shows this error
        tokenizer(["Hello", "Hello world, nice to meet you"], padding=True)
    model = AutoModelForCausalLM.from_pretrained(folder)
    config, generation = model.config, model.generation_config
    # sources (gpt2): config.json (task_specific_params included) and generation_config.json (bos/eos only)
    assert config.architectures == ["GPT2LMHeadModel"] and config.vocab_size == 50257 and config.n_positions == 1024
    assert config.task_specific_params == {"text-generation": {"do_sample": True, "max_length": 50}}
    assert (generation.bos_token_id, generation.eos_token_id) == (50256, 50256) and not generation.do_sample
    inputs = tokenizer("The best thing about learning is", return_tensors="pt")
    out = model.generate(**inputs, max_new_tokens=5, min_new_tokens=5, do_sample=False, pad_token_id=50256)
    assert out.shape[1] == inputs["input_ids"].shape[1] + 5


# ------------------------------------------------------------------------------------------- the private cache


def test_ensure_imitation_lays_out_a_hub_cache(tmp_path, monkeypatch) -> None:
    from transformers import AutoConfig

    from course_utils.imitations import MARKER, ensure_imitation

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    real_id = "BAAI/bge-small-zh-v1.5"
    folder = ensure_imitation(real_id)
    repo = tmp_path / "rehearsal-hub" / "models--BAAI--bge-small-zh-v1.5"
    assert folder.parent == repo / "snapshots" and (folder / MARKER).exists()
    assert (repo / "refs" / "main").read_text(encoding="utf-8") == folder.name
    assert ensure_imitation(real_id) == folder  # built once
    config = AutoConfig.from_pretrained(real_id, cache_dir=str(tmp_path / "rehearsal-hub"), local_files_only=True)
    assert config.architectures == ["BertModel"]


# ------------------------------------------------------------------------------------- multimodal (notebook 12)


def _photo(width: int = 451, height: int = 300):
    """An RGB image of skimage.data.chelsea()'s size (451 x 300), made without reading any file."""
    import numpy as np
    from PIL import Image

    return Image.fromarray(np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8))


# sources (CLIP): config.json copy, preprocessor_config.json dump, CLIPConfig docs; (Chinese CLIP): README model card
CLIP_MODELS = {
    # real id: (model class, processor class, patch size, texts)
    "openai/clip-vit-base-patch32": ("CLIPModel", "CLIPProcessor", 32, ["a photo of a cat", "a photo of a dog"]),
    "OFA-Sys/chinese-clip-vit-base-patch16": ("ChineseCLIPModel", "ChineseCLIPProcessor", 16, ["一只猫", "一只狗"]),
}


@pytest.mark.parametrize("real_id", list(CLIP_MODELS))
def test_clip_imitations_keep_the_real_geometry(built, real_id: str) -> None:
    import transformers
    from transformers import AutoModel, AutoProcessor

    model_class, processor_class, patch, texts = CLIP_MODELS[real_id]
    folder = built(real_id)
    processor = AutoProcessor.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder)
    assert type(processor).__name__ == processor_class and type(model).__name__ == model_class
    getattr(transformers, model_class).from_pretrained(folder)
    config = model.config
    assert config.architectures == [model_class] and config.projection_dim == 512
    assert (config.vision_config.image_size, config.vision_config.patch_size) == (224, patch)
    assert config.logit_scale_init_value == 2.6592
    inputs = processor(text=texts, images=_photo(), return_tensors="pt", padding=True)
    assert inputs["pixel_values"].shape == (1, 3, 224, 224)
    with torch.no_grad():
        out = model(**inputs)
        hidden = model.vision_model(pixel_values=inputs["pixel_values"]).last_hidden_state
    assert out.logits_per_image.shape == (1, 2) and out.image_embeds.shape == out.text_embeds[:1].shape == (1, 512)
    assert hidden.shape[1] == (224 // patch) ** 2 + 1  # 50 tokens for ViT-B/32, 197 for ViT-B/16
    images = processor.image_processor
    assert list(images.image_mean) == [0.48145466, 0.4578275, 0.40821073]
    assert list(images.image_std) == [0.26862954, 0.26130258, 0.27577711]


def test_clip_tokenizer_has_the_real_size_special_ids_and_length(built) -> None:
    from transformers import AutoTokenizer

    folder = built("openai/clip-vit-base-patch32")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert type(tokenizer).__name__ == "CLIPTokenizer" and len(tokenizer) == 49408  # sources (CLIP): vocab_size
    assert _ids(tokenizer, ["<|startoftext|>", "<|endoftext|>"]) == {"<|startoftext|>": 49406, "<|endoftext|>": 49407}
    assert tokenizer.model_max_length == 77 and tokenizer.pad_token == tokenizer.eos_token == "<|endoftext|>"
    ids = tokenizer("A photo of a cat")["input_ids"]
    assert ids[0] == 49406 and ids[-1] == 49407 and ids[1] == 320  # lower-cased; "a</w>" is 320, as in CLIP's layout
    config = _json(folder, "config.json")
    assert config["text_config"]["vocab_size"] == 49408 and config["text_config"]["max_position_embeddings"] == 77
    preprocessor = _json(folder, "preprocessor_config.json")
    assert preprocessor["do_center_crop"] is True and preprocessor["size"] == {"shortest_edge": 224}


def test_chinese_clip_text_side_is_a_chinese_bert(built) -> None:
    from transformers import AutoProcessor

    folder = built("OFA-Sys/chinese-clip-vit-base-patch16")
    tokenizer = AutoProcessor.from_pretrained(folder).tokenizer
    assert type(tokenizer).__name__ == "BertTokenizer"
    assert len(tokenizer) == 21128 and _ids(tokenizer, BERT_SPECIAL_IDS) == BERT_SPECIAL_IDS
    assert tokenizer.tokenize("一只橘猫") == list("一只橘猫")
    assert _json(folder, "config.json")["text_config"]["vocab_size"] == 21128
    assert _json(folder, "preprocessor_config.json")["do_center_crop"] is False  # squeezed to 224 x 224, no crop


def test_qwen2_vl_imitation_keeps_tokens_template_and_image_token_arithmetic(built) -> None:
    from transformers import AutoModelForImageTextToText, AutoProcessor, GenerationConfig

    from course_utils.models import allow_image_only_processors

    allow_image_only_processors()  # no torchvision on the course's CPU machines (what resolve_model does)
    folder = built("Qwen/Qwen2-VL-2B-Instruct")
    processor = AutoProcessor.from_pretrained(folder)
    model = AutoModelForImageTextToText.from_pretrained(folder)
    assert type(processor).__name__ == "Qwen2VLProcessor"
    assert type(model).__name__ == "Qwen2VLForConditionalGeneration"
    tokenizer = processor.tokenizer
    # sources (Qwen2-VL): tokenizer_config.json (14 added tokens 151643..151656, model_max_length 32768, pad left)
    assert type(tokenizer).__name__ == "Qwen2Tokenizer" and len(tokenizer) == 151657
    assert tokenizer.encode("你好，世界") == [108386, 3837, 99489]  # the Qwen2 vocabulary (sources: Qwen)
    assert _ids(tokenizer, ["<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>", "<|im_end|>"]) == {
        "<|vision_start|>": 151652, "<|vision_end|>": 151653, "<|image_pad|>": 151655, "<|video_pad|>": 151656,
        "<|im_end|>": 151645}
    assert (tokenizer.model_max_length, tokenizer.padding_side, tokenizer.eos_token) == (32768, "left", "<|im_end|>")
    config = model.config
    # sources (Qwen2-VL): config.json
    assert (config.image_token_id, config.video_token_id, config.vision_start_token_id) == (151655, 151656, 151652)
    assert config.text_config.vocab_size == 151936 and config.text_config.num_key_value_heads == 2
    vision = config.vision_config
    assert (vision.patch_size, vision.spatial_merge_size, vision.temporal_patch_size, vision.mlp_ratio) == (14, 2, 2, 4)
    images = processor.image_processor
    assert (images.patch_size, images.merge_size, images.temporal_patch_size) == (14, 2, 2)
    preprocessor = _json(folder, "preprocessor_config.json")  # sources: preprocessor_config.json
    assert (preprocessor["min_pixels"], preprocessor["max_pixels"]) == (3136, 12845056)
    assert (images.size["shortest_edge"], images.size["longest_edge"]) == (3136, 12845056)  # how transformers keeps them
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "描述这张图片。"}]}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True)
    assert text == ("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                    "<|vision_start|><|image_pad|><|vision_end|>描述这张图片。<|im_end|>\n<|im_start|>assistant\n")
    inputs = processor(images=[_photo()], text=[text], return_tensors="pt")
    # 451 x 300 -> smart_resize to multiples of 28: 448 x 308 -> 32 x 22 patches of 14 px -> 704 / 4 = 176 tokens
    assert inputs["image_grid_thw"].tolist() == [[1, 22, 32]]
    assert inputs["pixel_values"].shape == (22 * 32, 3 * 2 * 14 * 14)
    assert int((inputs["input_ids"] == 151655).sum()) == (308 // 14) * (448 // 14) // 4 == 176
    out = model.generate(**inputs, max_new_tokens=3, min_new_tokens=3, do_sample=False)
    assert out.shape[1] == inputs["input_ids"].shape[1] + 3
    generation = GenerationConfig.from_pretrained(folder)
    assert generation.eos_token_id == [151645, 151643] and generation.pad_token_id == 151643


# ------------------------------------------------------------------------------------- COURSE_IMITATION_SIZE=full

# The published depth and width of each real model (its config.json, sources per model): what a full-size imitation
# must instantiate, so that minutes and memory measured on it (docs/budgets.md) are those of the real network.
PUBLISHED_SIZES = {
    "Qwen/Qwen2.5-0.5B-Instruct": {"num_hidden_layers": 24, "hidden_size": 896, "intermediate_size": 4864},
    "Qwen/Qwen2.5-1.5B-Instruct": {"num_hidden_layers": 28, "hidden_size": 1536, "intermediate_size": 8960},
    "uer/roberta-base-finetuned-jd-binary-chinese": {"num_hidden_layers": 12, "hidden_size": 768},
    "google-bert/bert-base-chinese": {"num_hidden_layers": 12, "hidden_size": 768},
    "hfl/rbt3": {"num_hidden_layers": 3, "hidden_size": 768},
    "uer/roberta-base-finetuned-cluener2020-chinese": {"num_hidden_layers": 12, "hidden_size": 768},
    "BAAI/bge-small-zh-v1.5": {"num_hidden_layers": 4, "hidden_size": 512},
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": {"n_layers": 6, "dim": 768},
    "google-bert/bert-base-uncased": {"num_hidden_layers": 12, "hidden_size": 768},
    "MoritzLaurer/mDeBERTa-v3-base-mnli-xnli": {"num_hidden_layers": 12, "hidden_size": 768},
    "csebuetnlp/mT5_multilingual_XLSum": {"num_layers": 12, "num_decoder_layers": 12, "d_model": 768},
    "BAAI/bge-reranker-base": {"num_hidden_layers": 12, "hidden_size": 768},
    "openai-community/gpt2": {"n_layer": 12, "n_embd": 768},
    "openai/clip-vit-base-patch32": {"text_config.num_hidden_layers": 12, "text_config.hidden_size": 512,
                                     "vision_config.num_hidden_layers": 12, "vision_config.hidden_size": 768},
    "OFA-Sys/chinese-clip-vit-base-patch16": {"text_config.num_hidden_layers": 12, "text_config.hidden_size": 768,
                                              "vision_config.num_hidden_layers": 12, "vision_config.hidden_size": 768},
    "Qwen/Qwen2-VL-2B-Instruct": {"num_hidden_layers": 28, "hidden_size": 1536,
                                  "vision_config.depth": 32, "vision_config.embed_dim": 1280},
}


class _Instantiated(Exception):
    """Raised by the recorder instead of drawing a full-size network's weights."""


def _config_to_instantiate(real_id: str, monkeypatch, tmp_path: Path) -> dict:
    """The config a builder would draw random weights for, recorded instead of building the model."""
    import transformers

    from course_utils import imitations

    def record(_folder, config, *_args, **_kwargs):
        raise _Instantiated(config)

    def record_qwen(config):
        raise _Instantiated(config.to_dict())

    monkeypatch.setattr(imitations, "_save_weights", record)
    monkeypatch.setattr(transformers, "Qwen2ForCausalLM", record_qwen)
    with pytest.raises(_Instantiated) as recorded:
        BUILDERS[real_id](real_id, tmp_path)
    return recorded.value.args[0]


def _lookup(config: dict, dotted: str):
    for key in dotted.split("."):
        config = config[key]
    return config


def test_every_imitation_has_its_published_size_listed() -> None:
    assert set(PUBLISHED_SIZES) == set(BUILDERS) - {"sentence-transformers/all-MiniLM-L6-v2"}  # MiniLM is real


@pytest.mark.parametrize("real_id", sorted(PUBLISHED_SIZES))
def test_full_size_imitations_instantiate_the_published_network(real_id: str, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COURSE_IMITATION_SIZE", "full")
    full = _config_to_instantiate(real_id, monkeypatch, tmp_path)
    assert {key: _lookup(full, key) for key in PUBLISHED_SIZES[real_id]} == PUBLISHED_SIZES[real_id]
    monkeypatch.setenv("COURSE_IMITATION_SIZE", "small")  # the default: every imitation is smaller than the real one
    small = _config_to_instantiate(real_id, monkeypatch, tmp_path)
    assert all(_lookup(small, key) <= value for key, value in PUBLISHED_SIZES[real_id].items())
    assert any(_lookup(small, key) < value for key, value in PUBLISHED_SIZES[real_id].items())


def test_an_unknown_imitation_size_is_refused_in_chinese(monkeypatch) -> None:
    from course_utils.errors import CourseError
    from course_utils.imitations import full_size

    monkeypatch.setenv("COURSE_IMITATION_SIZE", "huge")
    with pytest.raises(CourseError, match="只能是 small"):
        full_size()
