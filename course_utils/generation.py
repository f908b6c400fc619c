"""The course's one chat helper: messages in, the model's answer out.

Notebook 05 (第 5 课) writes ``chat`` cell by cell and explains every line; later lessons import this copy
(``course_utils.chat``). ``tests/test_generation.py`` checks that the two stay the same code.
"""

from __future__ import annotations

from typing import Any


def chat(model, tokenizer, messages: str | list[dict], max_new_tokens: int = 128, tools: list | None = None,
         **generation_options: Any) -> str:
    """Answer of a chat model: chat template → ``generate`` → decode only the new tokens.

    ``messages`` is a list of ``{"role", "content"}`` dicts or, for one question, just its text; ``tools`` (Python
    functions, notebook 11) are rendered into the prompt by the chat template. Greedy decoding
    (``do_sample=False``) unless ``generation_options`` say otherwise; every other keyword (temperature, top_p,
    repetition_penalty, stop_strings, …) goes to ``model.generate``.
    """
    import torch  # here, not at the top: `import course_utils` must stay quick (the notebook imports torch itself)

    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    inputs = tokenizer.apply_chat_template(messages, tools=tools, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True).to(model.device)
    options = {"do_sample": False, **generation_options}
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=max_new_tokens, tokenizer=tokenizer, **options)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    return tokenizer.decode(new_tokens, skip_special_tokens=True).strip()
