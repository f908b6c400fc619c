"""Plumbing for notebook 07 (DPO): how likely a chat model finds a whole answer to a question.

DPO compares whole answers, not single tokens. The score of an answer is its **sequence log-probability**: the sum
of the log-probabilities of the answer's tokens, each predicted from the prompt and the answer tokens before it.
The prompt's own tokens are not counted (both answers share the prompt, so they carry no preference signal).

The split into prompt and answer follows trl's ``DPOTrainer`` for conversational data exactly: the prompt is the
user message rendered with the chat template plus the assistant header (``add_generation_prompt=True``); the
answer is whatever the rendered conversation adds after that (the answer text and the end-of-turn tokens). So the
numbers here can be checked against the loss and rewards trl computes.

``torch`` is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import CourseError


def _ids(encoded) -> list[int]:
    """``apply_chat_template(tokenize=True)`` gives a dict-like BatchEncoding in transformers 5, a list before."""
    if isinstance(encoded, Mapping) or hasattr(encoded, "keys"):
        encoded = encoded["input_ids"]
    if encoded and isinstance(encoded[0], list):  # a batch of one
        encoded = encoded[0]
    return list(encoded)


def split_prompt_answer(tokenizer, prompt: str, answer: str) -> tuple[list[int], list[int]]:
    """(prompt token ids, answer token ids) of one user question and one assistant answer, split like trl does.

    The answer ids start where the tokenised prompt (with the assistant header) and the tokenised full conversation
    stop agreeing; for ChatML templates (Qwen) that is right after ``<|im_start|>assistant\\n``.
    """
    if not prompt or not answer:
        raise CourseError("问题和回答都不能是空字符串。")
    user = [{"role": "user", "content": prompt}]
    prompt_ids = _ids(tokenizer.apply_chat_template(user, add_generation_prompt=True, tokenize=True))
    full_ids = _ids(tokenizer.apply_chat_template(user + [{"role": "assistant", "content": answer}], tokenize=True))
    shared = 0
    for a, b in zip(prompt_ids, full_ids, strict=False):  # length of the common prefix
        if a != b:
            break
        shared += 1
    if shared == len(full_ids):
        raise CourseError("对话模板渲染出的完整对话里没有回答部分，请检查分词器的对话模板。")
    return full_ids[:shared], full_ids[shared:]


def answer_logprob(model, tokenizer, prompt: str, answer: str) -> float:
    """Sum of log P(answer token | everything before it) over the answer tokens — one number per answer.

    The model is only read (no gradients); call it with the adapter on or off to score the policy or the
    reference. The value is negative: the closer to 0, the more likely the model finds this answer.
    """
    import torch

    prompt_ids, answer_ids = split_prompt_answer(tokenizer, prompt, answer)
    device = next(model.parameters()).device
    input_ids = torch.tensor([prompt_ids + answer_ids], device=device)
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits[0].float()  # [sequence length, vocabulary size]
    log_probs = torch.log_softmax(logits[:-1], dim=-1)  # position t predicts token t + 1
    targets = input_ids[0, 1:]
    token_log_probs = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return float(token_log_probs[len(prompt_ids) - 1:].sum())  # only the answer tokens count


def logprob_margins(model, tokenizer, rows: Iterable[Mapping[str, str]]) -> list[float]:
    """For each {"prompt", "chosen", "rejected"} row of plain strings: log P(chosen) − log P(rejected).

    A positive margin means the model already finds the chosen answer more likely than the rejected one.
    """
    margins = []
    for row in rows:
        for key in ("prompt", "chosen", "rejected"):
            if not isinstance(row.get(key), str):
                raise CourseError(f"每一行都需要字符串字段 prompt / chosen / rejected，缺少或不是字符串：{key!r}。")
        chosen = answer_logprob(model, tokenizer, row["prompt"], row["chosen"])
        rejected = answer_logprob(model, tokenizer, row["prompt"], row["rejected"])
        margins.append(chosen - rejected)
    return margins
