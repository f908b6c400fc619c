"""course_utils.preference: sequence log-probabilities of answers, computed the way trl's DPOTrainer does."""

from __future__ import annotations

import math

import pytest
import torch

from course_utils import CourseError, preference

PROMPT = "怎么改掉拖延的习惯？"
CHOSEN = "把大任务拆成10分钟就能开始的小步骤，先做最简单的一步。"
REJECTED = "问别人去。"


@pytest.fixture(scope="module")
def tokenizer():
    from course_utils.tiny import bpe_tokenizer

    return bpe_tokenizer(vocab_size=800, chat=True)  # ChatML template like Qwen's, trained on the bundled texts


def _random_lm(tokenizer, seed: int):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=256, tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=None,
    )
    torch.manual_seed(seed)
    return Qwen2ForCausalLM(config).eval()


@pytest.fixture(scope="module")
def model(tokenizer):
    return _random_lm(tokenizer, seed=0)


def test_split_covers_the_whole_conversation_and_puts_the_answer_after_the_assistant_header(tokenizer) -> None:
    prompt_ids, answer_ids = preference.split_prompt_answer(tokenizer, PROMPT, CHOSEN)
    messages = [{"role": "user", "content": PROMPT}, {"role": "assistant", "content": CHOSEN}]
    full = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
    assert prompt_ids + answer_ids == list(full)
    assert tokenizer.decode(prompt_ids).endswith("<|im_start|>assistant\n")
    assert tokenizer.decode(answer_ids) == CHOSEN + "<|im_end|>\n"  # the answer text plus the end-of-turn tokens


def test_answer_logprob_equals_a_hand_computation_from_the_logits(tokenizer, model) -> None:
    prompt_ids, answer_ids = preference.split_prompt_answer(tokenizer, PROMPT, CHOSEN)
    ids = torch.tensor([prompt_ids + answer_ids])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0]
    expected = 0.0
    for position in range(len(prompt_ids), ids.shape[1]):  # each answer token, predicted from the position before
        probs = torch.softmax(logits[position - 1], dim=-1)
        expected += math.log(float(probs[ids[0, position]]))
    got = preference.answer_logprob(model, tokenizer, PROMPT, CHOSEN)
    assert got == pytest.approx(expected, abs=1e-3)
    assert got < 0


def test_logprob_margins_are_chosen_minus_rejected(tokenizer, model) -> None:
    row = {"prompt": PROMPT, "chosen": CHOSEN, "rejected": REJECTED}
    chosen = preference.answer_logprob(model, tokenizer, PROMPT, CHOSEN)
    rejected = preference.answer_logprob(model, tokenizer, PROMPT, REJECTED)
    assert preference.logprob_margins(model, tokenizer, [row, row]) == pytest.approx([chosen - rejected] * 2)


def test_the_split_and_the_log_probs_match_trl_dpo_trainer(tokenizer, model, tmp_path) -> None:
    """Same prompt/answer token split as trl, and a DPO loss from our log-probs equal to trl's loss on one batch."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    rows = [{"prompt": PROMPT, "chosen": CHOSEN, "rejected": REJECTED},
            {"prompt": "什么是 API？", "chosen": "API 是程序之间约定好的调用方式。", "rejected": "随便吧，怎么都行。"}]
    conversational = Dataset.from_list([
        {"prompt": [{"role": "user", "content": r["prompt"]}],
         "chosen": [{"role": "assistant", "content": r["chosen"]}],
         "rejected": [{"role": "assistant", "content": r["rejected"]}]} for r in rows
    ])
    policy, reference = _random_lm(tokenizer, seed=1), _random_lm(tokenizer, seed=2)
    beta = 0.3
    args = DPOConfig(output_dir=str(tmp_path), beta=beta, per_device_train_batch_size=2, report_to="none",
                     use_cpu=True, bf16=False, fp16=False, max_length=256)
    trainer = DPOTrainer(model=policy, ref_model=reference, args=args, train_dataset=conversational,
                         processing_class=tokenizer)
    for row, prepared in zip(rows, trainer.train_dataset):
        prompt_ids, chosen_ids = preference.split_prompt_answer(tokenizer, row["prompt"], row["chosen"])
        assert prepared["prompt_ids"] == prompt_ids and prepared["chosen_ids"] == chosen_ids
    batch = trainer._prepare_inputs(trainer.data_collator([trainer.train_dataset[i] for i in range(2)]))
    policy.eval()
    with torch.no_grad():
        trl_loss = float(trainer.compute_loss(trainer.model, batch))
    losses = []
    for row in rows:
        pc, pr = (preference.answer_logprob(policy, tokenizer, row["prompt"], row[k]) for k in ("chosen", "rejected"))
        rc, rr = (preference.answer_logprob(reference, tokenizer, row["prompt"], row[k]) for k in ("chosen", "rejected"))
        margin = (pc - rc) - (pr - rr)
        losses.append(-math.log(1 / (1 + math.exp(-beta * margin))))
    assert sum(losses) / len(losses) == pytest.approx(trl_loss, abs=1e-4)
    assert abs(trl_loss - math.log(2)) > 1e-3  # two different random models: not the trivial ln 2


def test_bad_inputs_raise_course_errors(tokenizer, model) -> None:
    with pytest.raises(CourseError):
        preference.split_prompt_answer(tokenizer, PROMPT, "")
    with pytest.raises(CourseError, match="rejected"):
        preference.logprob_margins(model, tokenizer, [{"prompt": PROMPT, "chosen": CHOSEN}])
