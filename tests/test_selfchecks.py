"""Every self-check of notebooks 00–10 can fail: each test below makes one typical learner mistake, written as the
learner would write it, and asserts that the notebook's own self-check raises ``CheckFailed``.

The code that runs is the notebook's (tests/nbexec.py), in smoke mode, stopped right after the check (``until``) so
each test runs only a prefix. Notebooks 06 and 07 train: their tests stop before training, and a check that sits
after training but needs nothing from it runs on its own cells (``run_cells``).
Notebook 04's hand-written maths is also tested on other shapes in tests/test_notebook04_math.py; the exercises of
00 and 06 in tests/test_exercises.py.

| notebook | the learner's mistake                                            | the check that catches it                     |
|----------|------------------------------------------------------------------|-----------------------------------------------|
| 00       | `backward()` run twice: the gradient is doubled                  | §5 w.grad == hand derivative                  |
| 00       | `optimizer.zero_grad()` left out                                 | §5 loss falls, w ≈ 2                          |
| 00       | `optimizer.step()` left out                                      | §5 loss falls, w ≈ 2                          |
| 00       | lr experiment: `zero_grad()` left out (gradients add up)         | §5 w_big == hand-computed SGD steps           |
| 00       | slice a row `scores[0]` instead of a column `scores[:, 0]`       | §3 check_shape(first_col, [2])                |
| 00       | forget `.item()`: `loss_number = loss`                           | §3 isinstance(loss_number, float)             |
| 00       | hard-code `device = "cuda"` on a CPU runtime                     | §2 device == torch's own view                 |
| 00       | write PyTorch's non-existent device name `"gpu"`                 | §2 device == torch's own view                 |
| 01       | a task name pipeline does not know (`"情感分析"`)                    | §1 official name in SUPPORTED_TASKS           |
| 01       | compare the label with "positive" instead of using id2label      | §5 correct >= 15                              |
| 01       | ask for one label only (no `top_k=None`)                         | §6 scores sum to 1                            |
| 01       | glue a sub-word back with its `##` (`+ piece` not `+ piece[2:]`) | §6 glued words == the sentence's words        |
| 01       | decode GPT-2 token by token and join (half characters → �)       | §8 decode(ids) == the Chinese sentence        |
| 02       | decode without `skip_special_tokens=True`                        | §1 round trip equals the sentence             |
| 02       | feed the [CLS] hidden state instead of `pooler_output` to the head | §4 backbone + head == full model            |
| 02       | softmax over the batch dimension (`dim=0`)                       | §6 my scores == pipeline scores               |
| 02       | cross-entropy without the minus sign (`torch.log(p)`)            | §5 −log p == F.cross_entropy                  |
| 02       | LM-head scores of the last position only (`.logits[:, -1]`)      | §4 shape [1, tokens, vocab_size]              |
| 03       | count characters instead of tokens for the real length           | §1 mask sums == real lengths                  |
| 03       | call the model without `attention_mask`                          | §3 batch logits == alone logits               |
| 03       | right padding for generation                                     | §6 left-padded batch == one by one            |
| 03       | no `truncation=True` for a text longer than 512 positions        | §4 length <= max_position_embeddings          |
| 03       | `padding=True` where a fixed `max_length` was meant              | §5 shapes == [2, longest], [2, 32]            |
| 03       | the collator pads every batch to a fixed 64 tokens               | §5 batch width == longest in batch            |
| 03       | right padding: the short row's last position is a pad            | §6 last column == each prompt's last token    |
| 03       | padding positions keep their ids as labels (no -100)             | §7 my labels == the LM collator's labels      |
| 03       | `max_length` counted in characters, not tokens                   | §8 max_length output == max_new_tokens output |
| 04       | softmax over the query dimension (`dim=-2`)                      | §3 out0 == scaled_dot_product_attention       |
| 04       | sin in the left half, cos in the right half                      | §2 pe row == formula                          |
| 04       | mask after softmax (multiply weights by 0)                       | §4 masked weights == model's attentions       |
| 04       | causal mask the wrong way round (`tril`: hides the past)         | §4 masked weights == model's attentions       |
| 04       | linear weight used without `.T` (square matrix: no error)        | toolbox 1 bill == hand sums == F.linear       |
| 04       | broadcast without `unsqueeze(1)` (`nums * nums`)                 | toolbox 2 table == nested loops               |
| 04       | `view(2, 2, 3)` instead of `view(2, 3, 2)`                       | toolbox 3 one subject == plain slices         |
| 04       | `transpose(1, 2)` instead of `transpose(0, 1)`                   | toolbox 3 one subject == plain slices         |
| 04       | `repeat` instead of `repeat_interleave` for KV heads             | §5 query head j gets KV head j // groups      |
| 04       | RMS without `keepdim=True` (columns divided, no error)           | §6 every row has RMS 1                        |
| 04       | `masked_fill` condition reversed (keeps what should go)          | §8 kept == plain Python if/else               |
| 04       | RoPE: only q rotated, k left where it was                        | §2 dot(50, 48) == library rotation at (3, 1)  |
| 04       | rotation formula with a wrong sign                               | §2 rotate == apply_rotary_pos_emb             |
| 04       | attention_mask turned the wrong way (1 → −∞, 0 → 0)              | §4 weights == pad column deleted              |
| 04       | padding mask not added to the scores                             | §4 weights == pad column deleted              |
| 04       | left-padded batch run without `attention_mask`                   | §4 real rows == unpadded ref attentions       |
| 05       | cosine with an L2 index (`IndexFlatL2`)                          | §4 FAISS top 5 == brute force                 |
| 05       | keep the prompt in the answer (no slicing of new tokens)         | §1 my chat == course_utils.chat               |
| 05       | no overlap between chunks (`OVERLAP = 0`)                        | §2 neighbouring chunks share a sentence       |
| 05       | MRR over chunks, duplicates not removed                          | §7 table's dense MRR == MRR by hand           |
| 06       | loss on the whole conversation (prompt tokens included)          | §2 question not in trained text               |
| 06       | random LoRA init (`init_lora_weights=False`)                     | §4 untrained LoRA == base model               |
| 06       | LoRA parameters counted as r × in × out                          | §4 hand count == peft's count                 |
| 07       | sigmoid written without the minus sign in the exponent           | §2 my sigmoid == torch.sigmoid                |
| 07       | rewards without the reference model                              | §2 losses == hand calculation                 |
| 07       | forget the minus sign of −log σ                                  | §2 losses == hand calculation                 |
| 07       | train on all rows (held-out questions leak into training)        | §1 no overlap with HELD_OUT                   |
| 07       | full DPO memory without the reference model's copy               | §9 exercise full_dpo == 8.28                  |
| 08       | evaluate on the training split                                   | §1 no overlap, sizes add up                   |
| 08       | pad every batch to a fixed 64 tokens                             | §1 batch width == longest in batch            |
| 08       | confusion matrix of the training split (`predict(train_tok)`)    | §3 row sums == test labels per class          |
| 08       | count all LoRA-model parameters, frozen ones too                 | §6 count == peft's count                      |
| 08       | warm-up counted from 1 (`(t + 1) / W`): the first step not at 0  | §5 hand formula == the library's scheduler    |
| 09       | the prompt's first token `generated[0, 0]` instead of the first new one | §2 generate's first token == top-1 |
| 09       | few-shot examples sliced wrongly (`EXAMPLES[shots:]`)            | §4 examples only in the few-shot prompt       |
| 09       | answer extractor takes the first number (`numbers[0]`)           | §5 last_number(sample) == 9                   |
| 09       | one-shot example placed after the real question                  | §4 example once, before the question          |
| 09       | library defaults `GenerationConfig()` taken for the model's own  | §6 values == generation_config.json           |
| 09       | `TextStreamer` without `skip_prompt=True`                         | §6 streamed text == decoded new tokens        |
| 10       | Euclidean distance instead of cosine                             | §2 by hand == library                         |
| 10       | zero-shot label descriptions in the wrong order                  | §4 zero-shot better than chance               |
| 10       | c-TF-IDF without the IDF factor                                  | §6 keywords == hand calculation               |
| 10       | precision and recall swapped in the hand-written function         | §3 toy net: hand == sklearn                   |
| 10       | "macro" average computed as micro (= accuracy)                    | §3 toy net: hand == sklearn                   |
| 10       | y_true and y_pred swapped when scoring the reviews                | §3 hand == classification_report              |
| 10       | label names compared without .lower() ('Negative' vs 'negative')  | §3 looked-up names exist in the output        |
| 10       | positive and negative label names passed in the wrong order       | §3 lookup by name == argmax prediction        |
| 10       | item2vec: co-bought labels shuffled across the pairs              | §5 every co-bought pair > every other pair    |
| 10       | item2vec: optimizer.step() left out (vectors stay random)         | §5 every co-bought pair > every other pair    |
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import course_utils
from tests.nbexec import folded_answers, run_notebook
from tests.nbtools import NOTEBOOK_DIR, code_cells, load, strip_magics


def run_cells(name: str, containing: list[str], *, edits: dict[str, str] | None = None, workdir: Path) -> dict:
    """Run only the notebook cells that contain these snippets (in notebook order), after `import course_utils`.

    For a self-contained check that sits after an expensive cell (training) but needs nothing from it.
    """
    cells = [c for c in code_cells(load(NOTEBOOK_DIR / name)) if any(s in c for s in containing)]
    assert len(cells) == len(containing), f"{name}: expected one cell per snippet, found {len(cells)}"
    source = "\n".join(cells)
    for old, new in (edits or {}).items():
        assert source.count(old) == 1, f"{name}: the snippet {old!r} occurs {source.count(old)} times"
        source = source.replace(old, new)
    namespace: dict = {"__name__": "__main__", "course_utils": course_utils}
    previous = Path.cwd()
    os.chdir(workdir)
    try:
        exec(compile(strip_magics(source), f"{name}[selected cells]", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(previous)
    return namespace


# (notebook, {exact snippet: the mistake}, snippet of the check's cell) — one row per mistake of the table above
MUTATIONS = {
    # 00 ------------------------------------------------------------------------------------------------------
    "00 row instead of column": ("00_colab_setup.ipynb", {"first_col = scores[:, 0]": "first_col = scores[0]"},
                                 "check_shape(first_col"),
    "00 backward run twice (gradients add up)": (
        "00_colab_setup.ipynb",
        {"loss.backward()  # 反向传播：": "loss.backward(retain_graph=True); loss.backward()  # 反向传播："},
        "check_close(w.grad, hand_grad"),
    "00 zero_grad forgotten": ("00_colab_setup.ipynb",
                               {"    optimizer.zero_grad()  # ① 清空上一步的梯度（不清空的话会一直累加）\n": ""},
                               "losses[-1] < losses[0] * 0.001"),
    "00 optimizer step forgotten": ("00_colab_setup.ipynb",
                                    {"    optimizer.step()  # ④": "    pass  # ④"}, "losses[-1] < losses[0] * 0.001"),
    "00 no .item()": ("00_colab_setup.ipynb", {"loss_number = loss.item()": "loss_number = loss"},
                      "isinstance(loss_number, float)"),
    "00 device hard-coded cuda": ("00_colab_setup.ipynb",
                                  {"device = course_utils.get_device()  #": 'device = "cuda"  #'},
                                  "torch.cuda.is_available(), ok="),
    "00 device gpu": ("00_colab_setup.ipynb", {"device = course_utils.get_device()  #": 'device = "gpu"  #'},
                      "torch.cuda.is_available(), ok="),
    "00 lr experiment without zero_grad": ("00_colab_setup.ipynb",
                                           {"    big_optimizer.zero_grad()  # 和上面一样的四步：清空梯度\n": ""},
                                           "check_close(w_big.item(), hand_w"),
    # 01 ------------------------------------------------------------------------------------------------------
    "01 task name in Chinese": ("01_pipeline.ipynb", {'my_task = "sentiment-analysis"': 'my_task = "情感分析"'},
                                "official in SUPPORTED_TASKS"),
    "01 label compared with positive": (
        "01_pipeline.ipynb",
        {'pred_ids = [label_to_id[p["label"]] for p in preds]': 'pred_ids = [1 if p["label"] == "positive" else 0 for p in preds]'},
        "correct >= 15"),
    "01 no top_k=None": ("01_pipeline.ipynb", {"不算差\", top_k=None)": "不算差\")"}, "total, 1.0"),
    "01 sub-word glued with its ##": ("01_pipeline.ipynb",
                                      {"words[-1] = words[-1] + piece[2:]": "words[-1] = words[-1] + piece"},
                                      "check_equal(words, en_ner_sentence"),
    "01 GPT-2 decoded token by token": ("01_pipeline.ipynb",
                                        {"back = gpt2_tokenizer.decode(zh_ids)": 'back = "".join(pieces_zh)'},
                                        "check_equal(back,"),
    # 02 ------------------------------------------------------------------------------------------------------
    "02 decode keeps specials": ("02_behind_the_pipeline.ipynb",
                                 {"clean = tokenizer.decode(encoded, skip_special_tokens=True)":
                                  "clean = tokenizer.decode(encoded)"}, 'clean.replace(" ", "")'),
    "02 CLS instead of pooler": ("02_behind_the_pipeline.ipynb",
                                 {"model.classifier(backbone_out.pooler_output)":
                                  "model.classifier(backbone_out.last_hidden_state[:, 0])"}, "check_close(my_logits"),
    "02 softmax over batch": ("02_behind_the_pipeline.ipynb",
                              {"probs = torch.softmax(logits, dim=-1)": "probs = torch.softmax(logits, dim=0)"},
                              "check_close(my_scores, pipe_scores"),
    "02 cross-entropy without the minus sign": ("02_behind_the_pipeline.ipynb",
                                                {"my_loss = -torch.log(p_right)": "my_loss = torch.log(p_right)"},
                                                "check_close(my_loss, lib_loss"),
    "02 LM head: last position only": ("02_behind_the_pipeline.ipynb",
                                       {"lm_logits = lm(**lm_inputs).logits  #": "lm_logits = lm(**lm_inputs).logits[:, -1]  #"},
                                       "check_shape(lm_logits"),
    # 03 ------------------------------------------------------------------------------------------------------
    "03 characters not tokens": ("03_attention_mask_padding.ipynb",
                                 {'real_lengths = [len(tokenizer(s)["input_ids"]) for s in sentences]':
                                  "real_lengths = [len(s) for s in sentences]"}, "sum(dim=1), real_lengths"),
    "03 no attention_mask": ("03_attention_mask_padding.ipynb",
                             {"logits_masked = classifier(**batch).logits[0]":
                              'logits_masked = classifier(input_ids=batch["input_ids"]).logits[0]'},
                             "check_close(logits_masked"),
    "03 right padding for generation": ("03_attention_mask_padding.ipynb",
                                        {"chat_tokenizer.padding_side = side": 'chat_tokenizer.padding_side = "right"'},
                                        'results["left"], alone_answers'),
    "03 no truncation past 512": ("03_attention_mask_padding.ipynb",
                                  {'fixed = en_tokenizer(long_en, truncation=True, return_tensors="pt")':
                                   'fixed = en_tokenizer(long_en, return_tensors="pt")'},
                                  "<= en_model.config.max_position_embeddings"),
    "03 padding=True instead of max_length": ("03_attention_mask_padding.ipynb",
                                              {'padding="max_length", max_length=32': "padding=True, max_length=32"},
                                              "[[2, max(real_lengths)], [2, 32]]"),
    "03 collator pads to a fixed length": (
        "03_attention_mask_padding.ipynb",
        {"collator = DataCollatorWithPadding(tokenizer=tokenizer)":
         'collator = DataCollatorWithPadding(tokenizer=tokenizer, padding="max_length", max_length=64)'},
        "widths_ok and dynamic_pads"),
    "03 last position is a pad": ("03_attention_mask_padding.ipynb",
                                  {'chat_tokenizer.padding_side = "left"  # 再试左边':
                                   'chat_tokenizer.padding_side = "right"  # 再试左边'},
                                  "left_ids[:, -1].tolist(), real_last"),
    "03 pad labels not -100": ("03_attention_mask_padding.ipynb",
                               {'my_labels[train_batch["attention_mask"] == 0] = -100': "pass"},
                               "my_labels.tolist(), train_batch"),
    "03 max_length in characters": ("03_attention_mask_padding.ipynb",
                                    {"budget = prompt_len + N_NEW": "budget = len(prompts[0]) + N_NEW"},
                                    "by_total.tolist(), by_new.tolist()"),
    # 04 ------------------------------------------------------------------------------------------------------
    "04 softmax over queries": ("04_transformer_internals.ipynb",
                                {"weights = scores.softmax(dim=-1)": "weights = scores.softmax(dim=-2)"},
                                "F.scaled_dot_product_attention(q0, k0, v0), atol"),
    "04 sin and cos in halves": ("04_transformer_internals.ipynb",
                                 {"pe[:, 0::2] = torch.sin(angles)": "pe[:, : d_model // 2] = torch.sin(angles)",
                                  "pe[:, 1::2] = torch.cos(angles)": "pe[:, d_model // 2 :] = torch.cos(angles)"},
                                 "check_close(pe[pos]"),
    "04 mask after softmax": ("04_transformer_internals.ipynb",
                              {"masked_weights = masked_scores.softmax(dim=-1)":
                               "masked_weights = scores.softmax(dim=-1) * (causal_mask == 0)"},
                              "check_close(masked_weights[0, 0]"),
    "04 causal mask the wrong way round": ("04_transformer_internals.ipynb",
                                           {'torch.full((T, T), float("-inf"), device=device).triu(diagonal=1)':
                                            'torch.full((T, T), float("-inf"), device=device).tril(diagonal=-1)'},
                                           "check_close(masked_weights[0, 0]"),
    "04 toolbox: weight used without .T": ("04_transformer_internals.ipynb",
                                           {"bill = qty @ prices.T + fee": "bill = qty @ prices + fee"},
                                           "F.linear(qty, prices, fee)"),
    "04 toolbox: broadcast without unsqueeze": ("04_transformer_internals.ipynb",
                                                {"table = col * nums": "table = nums * nums"},
                                                "check_equal(table, by_loops"),
    "04 toolbox: view with the sizes swapped": ("04_transformer_internals.ipynb",
                                                {"pieces = sheets.view(2, 3, 2)": "pieces = sheets.view(2, 2, 3)"},
                                                "check_equal(by_subject[1], math_pile"),
    "04 toolbox: transpose of the wrong dims": ("04_transformer_internals.ipynb",
                                                {"by_subject = pieces.transpose(0, 1)":
                                                 "by_subject = pieces.transpose(1, 2)"},
                                                "check_equal(by_subject[1], math_pile"),
    "04 repeat instead of repeat_interleave": ("04_transformer_internals.ipynb",
                                               {"per_member = leaders.repeat_interleave(2)":
                                                "per_member = leaders.repeat(2)"},
                                               "check_equal(per_member"),
    "04 RMS without keepdim": ("04_transformer_internals.ipynb",
                               {"row_rms = pair.pow(2).mean(dim=-1, keepdim=True).sqrt()":
                                "row_rms = pair.pow(2).mean(dim=-1).sqrt()"},
                               "normed.pow(2).mean(dim=-1).sqrt(), [1.0, 1.0]"),
    "04 masked_fill with the condition reversed": ("04_transformer_internals.ipynb",
                                                   {"low = votes < 3": "low = votes >= 3"},
                                                   "check_equal(kept"),
    "04 RoPE: only q rotated": ("04_transformer_internals.ipynb",
                                {"rotate(k_pair, k_pos * freq)).item()": "k_pair).item()"},
                                "check_close(rope_dot(50, 48)"),
    "04 RoPE: rotation with a wrong sign": ("04_transformer_internals.ipynb",
                                            {"a * math.sin(angle) + b * math.cos(angle)])":
                                             "a * math.sin(angle) - b * math.cos(angle)])"},
                                            "check_close(rotate(k_pair, 1.2)"),
    "04 padding mask the wrong way round": ("04_transformer_internals.ipynb",
                                            {'torch.where(pad_mask == 1, 0.0, float("-inf"))':
                                             'torch.where(pad_mask == 0, 0.0, float("-inf"))'},
                                            "check_close(pad_weights[:, :3], without_pad"),
    "04 padding mask not added": ("04_transformer_internals.ipynb",
                                  {"both_masks = toy_causal + pad_row  #": "both_masks = toy_causal  #"},
                                  "check_close(pad_weights[:, :3], without_pad"),
    "04 left padding without attention_mask": ("04_transformer_internals.ipynb",
                                               {"model(input_ids=left_ids, attention_mask=left_mask, output_attentions=True)":
                                                "model(input_ids=left_ids, output_attentions=True)"},
                                               "check_close(with_mask[0, :, 1:, 1:]"),
    # 05 ------------------------------------------------------------------------------------------------------
    "05 L2 index for cosine": ("05_rag.ipynb", {"index = faiss.IndexFlatIP(chunk_vectors.shape[1])":
                                                "index = faiss.IndexFlatL2(chunk_vectors.shape[1])"},
                               "top5_by_hand, atol"),
    "05 chat keeps the prompt": ("05_rag.ipynb", {'new_tokens = output[0, inputs["input_ids"].shape[1]:]':
                                                  "new_tokens = output[0]"}, "course_utils.chat(chat_model"),
    "05 no overlap": ("05_rag.ipynb", {"OVERLAP = 1  #": "OVERLAP = 0  #"}, "all_valid and overlapped"),
    "05 MRR over chunks": ("05_rag.ipynb",
                           {'rag.unique_in_order(c.doc_id for c, _ in search(q["question"], k=15))':
                            '[c.doc_id for c, _ in search(q["question"], k=15)]'}, "mrr_by_hand"),
    # 06 ------------------------------------------------------------------------------------------------------
    "06 loss on the prompt": ("06_sft_qlora.ipynb",
                              {"trained_text = tokenizer.decode([i for i, m in zip(ids, mask, strict=True) if m == 1])":
                               "trained_text = tokenizer.decode(ids)"}, "question_text not in trained_text"),
    "06 random LoRA init": ("06_sft_qlora.ipynb",
                            {'task_type="CAUSAL_LM",    #': 'init_lora_weights=False, task_type="CAUSAL_LM",    #'},
                            "check_close(lora_logits, plain_logits"),
    "06 LoRA count r*in*out": ("06_sft_qlora.ipynb",
                               {"expected += RANK * (module.in_features + module.out_features)":
                                "expected += RANK * module.in_features * module.out_features"},
                               "check_equal(trainable, expected"),
    # 07 ------------------------------------------------------------------------------------------------------
    "07 sigmoid without the minus sign": ("07_dpo.ipynb",
                                          {"my_sigmoid = 1 / (1 + torch.exp(-xs))": "my_sigmoid = 1 / (1 + torch.exp(xs))"},
                                          "check_close(my_sigmoid"),
    "07 reward without reference": ("07_dpo.ipynb",
                                    {"chosen_reward = beta * (policy_chosen - ref_chosen)": "chosen_reward = beta * policy_chosen",
                                     "rejected_reward = beta * (policy_rejected - ref_rejected)":
                                     "rejected_reward = beta * policy_rejected"}, "check_close(losses, by_hand"),
    "07 minus sign forgotten": ("07_dpo.ipynb", {"loss = -F.logsigmoid(margin)": "loss = F.logsigmoid(margin)"},
                                "check_close(losses, by_hand"),
    "07 held-out questions leak": ("07_dpo.ipynb",
                                   {'train_rows = dpo_data.filter(lambda row: row["prompt"] not in HELD_OUT)':
                                    "train_rows = dpo_data"}, "not overlap and len(train_data)"),
    # 08 ------------------------------------------------------------------------------------------------------
    "08 test on the training split": ("08_finetune_classifier.ipynb",
                                      {'train_set, test_set = split["train"], split["test"]':
                                       'train_set, test_set = split["train"], split["train"]'},
                                      "not overlap,"),
    "08 fixed-length padding": ("08_finetune_classifier.ipynb",
                                {"collator = DataCollatorWithPadding(tokenizer=tokenizer)":
                                 'collator = DataCollatorWithPadding(tokenizer=tokenizer, padding="max_length", max_length=64)'},
                                "check_equal(batch[\"input_ids\"].shape[1], longest"),
    "08 confusion matrix on the training split": ("08_finetune_classifier.ipynb",
                                       {"output = trainer.predict(test_tok)": "output = trainer.predict(train_tok)"},
                                       "matrix.sum(axis=1).tolist(), true_counts"),
    "08 LoRA counts frozen params": ("08_finetune_classifier.ipynb",
                                     {"lora_trainable = sum(p.numel() for p in lora_model.parameters() if p.requires_grad)":
                                      "lora_trainable = sum(p.numel() for p in lora_model.parameters())"},
                                     "check_equal(lora_trainable, peft_trainable"),
    "08 warm-up counted from 1": ("08_finetune_classifier.ipynb",
                                  {"my_lrs = [round(t / WARMUP if t < WARMUP": "my_lrs = [round((t + 1) / WARMUP if t < WARMUP"},
                                  "check_equal(my_lrs, library_lrs"),
    # 09 ------------------------------------------------------------------------------------------------------
    # generate returns prompt + new tokens: index 0 is the prompt's first token, not the first new one. (Taking
    # logits[0, 0] instead of [0, -1] is the other classic slip, but a 2-layer stand-in may rank the same token first at
    # every position, so it cannot be shown to fail in smoke without luck.)
    "09 first token of the prompt instead of the first new one": (
        "09_prompting_generation.ipynb",
        {'first_new = generated[0, inputs["input_ids"].shape[1]]': "first_new = generated[0, 0]"},
        "check_equal(first_new.item()"),
    "09 few-shot slice wrong": ("09_prompting_generation.ipynb", {"for text, label in EXAMPLES[:shots]:": "for text, label in EXAMPLES[shots:]:"},
                                "all(text in few for text, _ in EXAMPLES)"),
    "09 first number extracted": ("09_prompting_generation.ipynb", {"return int(numbers[-1]) if numbers": "return int(numbers[0]) if numbers"},
                                  "check_equal(last_number(sample)"),
    "09 one-shot example after the question": (
        "09_prompting_generation.ipynb",
        {"one_shot = [shot_question, shot_answer, new_question]": "one_shot = [new_question, shot_question, shot_answer]"},
        "0 <= example_at < question_at"),
    # the smoke stand-in's file sets only eos/pad ids, which an empty GenerationConfig() leaves at None: the check bites
    "09 library defaults instead of the model's": (
        "09_prompting_generation.ipynb",
        {"gen_defaults = model.generation_config  #":
         "from transformers import GenerationConfig\ngen_defaults = GenerationConfig()  #"},
        "same = all(getattr(gen_defaults"),
    "09 streamer prints the prompt too": ("09_prompting_generation.ipynb",
                                          {"streamer = TextStreamer(tokenizer, skip_prompt=True":
                                           "streamer = TextStreamer(tokenizer, skip_prompt=False"},
                                          "check_equal(streamed_text.strip()"),
    # 10 ------------------------------------------------------------------------------------------------------
    "10 cosine without lengths": ("10_embeddings.ipynb",
                                  {"by_hand = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))":
                                   "by_hand = float(np.linalg.norm(a - b))"}, "check_close(by_hand, by_library"),
    "10 label descriptions swapped": ("10_embeddings.ipynb",
                                      {'label_texts = ["A negative review.", "A positive review."]':
                                       'label_texts = ["A positive review.", "A negative review."]'},
                                      "zero_shot_accuracy > 0.5"),
    "10 c-TF-IDF without IDF": ("10_embeddings.ipynb",
                                {"n / total * math.log(1 + len(counts) / clusters_with_word[w])": "n / total"},
                                "toy_keywords"),
    "10 precision and recall swapped": ("10_embeddings.ipynb",
                                        {"    return precision, recall  # 一次返回两个数":
                                         "    return recall, precision  # 一次返回两个数"},
                                        "list(sk_p) + list(sk_r)"),
    "10 micro instead of macro": ("10_embeddings.ipynb",
                                  {"macro_p = sum(hand_p) / len(hand_p)": "macro_p = micro"},
                                  "list(sk_p) + list(sk_r)"),
    "10 y_true and y_pred swapped": ("10_embeddings.ipynb",
                                     {"precision_recall(y_test, lr_pred, cls)": "precision_recall(lr_pred, y_test, cls)"},
                                     'report["macro avg"]["precision"]'),
    "10 label names not lower-cased": ("10_embeddings.ipynb",
                                       {"return name.strip().lower()": "return name.strip()"},
                                       "all(k in model_names for k in keys)"),
    "10 label names in the wrong order": ("10_embeddings.ipynb",
                                          {"fixed = [pick(o, keys[1], keys[0]) for o in outputs]":
                                           "fixed = [pick(o, keys[0], keys[1]) for o in outputs]"},
                                          "check_equal(fixed, zero_shot_pred"),
    "10 item2vec pairs shuffled": ("10_embeddings.ipynb",
                                   {"item_vectors = torch.nn.Embedding(len(items), 8)":
                                    "targets = targets[torch.randperm(len(targets))]\n"
                                    "item_vectors = torch.nn.Embedding(len(items), 8)"},
                                   "min(together_sims) > max(apart_sims)"),
    "10 item2vec never updated": ("10_embeddings.ipynb",
                                  {"    optimizer.step()  # 优化器按梯度更新商品向量": "    pass  # 优化器按梯度更新商品向量"},
                                  "min(together_sims) > max(apart_sims)"),
}


@pytest.mark.parametrize("mistake", MUTATIONS, ids=str)
def test_self_check_catches_the_mistake(mistake: str, tmp_path: Path) -> None:
    notebook, edits, until = MUTATIONS[mistake]
    with pytest.raises(course_utils.CheckFailed):
        run_notebook(notebook, edits=edits, until=until, workdir=tmp_path)


# ---------------------------------------------------------------------------------------------- 07 exercise
# §9 of notebook 07 sits after training but needs nothing from it: its cell runs on its own.
DPO_NB, DPO_CELL = "07_dpo.ipynb", "full_dpo = None  # 把 None 换成算式"
DPO_BLANK = "full_dpo = None  # 把 None 换成算式：全量 DPO = 策略模型训练 16 字节/参数 + 一份 fp16 参考模型 2 字节/参数"


def _dpo_answer() -> str:
    answers = [block for block in folded_answers(DPO_NB) if block.startswith("full_dpo = ")]
    assert len(answers) == 1, answers
    return answers[0].strip()


def test_07_memory_exercise_blank_goes_on(tmp_path: Path, capsys) -> None:
    run_cells(DPO_NB, [DPO_CELL], workdir=tmp_path)
    assert "✏️ 这道练习还空着" in capsys.readouterr().out


def test_07_memory_exercise_folded_answer_passes(tmp_path: Path, capsys) -> None:
    run_cells(DPO_NB, [DPO_CELL], edits={DPO_BLANK: _dpo_answer()}, workdir=tmp_path)
    assert "✅" in capsys.readouterr().out.splitlines()[-1]


def test_07_memory_exercise_without_reference_model_fails(tmp_path: Path) -> None:
    with pytest.raises(course_utils.CheckFailed):  # 16 bytes only: the SFT number, the reference model forgotten
        run_cells(DPO_NB, [DPO_CELL], edits={DPO_BLANK: "full_dpo = REAL_PARAMS * 16 / GIB"}, workdir=tmp_path)
