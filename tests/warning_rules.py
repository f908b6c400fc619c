"""The warnings the notebooks are allowed to print, each with where the learner is told about it.

A rule matches the first line of one message on stderr. ``explained_by``: phrases, one of which must appear in a cell
(markdown or code comment) at or before the cell that printed the message. ``not_for_learners``: why a learner on
Colab never sees it (a CI-only artefact), used sparingly and only with the trigger named. Prefer preventing a warning
(fix the code) over adding a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# progress bars (tqdm) and the kernel's own transport notice are not messages
NOISE = re.compile(r"^\s*\d+%\||\d+/\d+ \[[\d:<]+|it/s\]|s/it\]|^\s*$")
# a line that continues the message above it: indented source lines, tables, notes of a load report
CONTINUATION = re.compile(r"^(\s|Key\s|[-+|]|Notes:|- [A-Z]+:)|^\S.*\s\|\s")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    notebooks: tuple[str, ...]  # notebook file names (prefix match, e.g. "03_") where it may appear, or ("*",)
    why: str  # what it means, in one line
    explained_by: tuple[str, ...] = ()
    not_for_learners: str = ""

    def allows(self, notebook: str) -> bool:
        return self.notebooks == ("*",) or notebook.startswith(self.notebooks)


def rule(pattern: str, notebooks: str, why: str, *, explained_by: tuple[str, ...] = (), not_for_learners: str = "") -> Rule:
    return Rule(re.compile(pattern), tuple(notebooks.split()), why, explained_by, not_for_learners)


RULES: list[Rule] = [
    rule(r"right-padding was detected", "03_",
         "batched generation with right padding (03 shows it on purpose, then fixes it with left padding)",
         explained_by=("右填充",)),
    rule(r"LOAD REPORT", "01_ 02_ 03_ 04_ 08_ 10_",
         "a checkpoint loaded into another head: UNEXPECTED = weights dropped, MISSING = a new (random) head",
         explained_by=("LOAD REPORT",)),
    rule(r"Token indices sequence length is longer than the specified maximum", "01_ 03_",
         "a text longer than the model can read was tokenized without truncation (01 and 03 do it on purpose)",
         explained_by=("Token indices sequence length is longer",)),
    rule(r"The new embeddings will be initialized from a multivariate normal", "02_",
         "resize_token_embeddings starts the new rows at the old rows' mean (02 adds a token on purpose)",
         explained_by=("The new embeddings will be initialized",)),
    rule(r"^(Building prefix dict|Loading model from cache|Dumping model to file cache|Loading model cost|"
         r"Prefix dict has been built)", "05_ 10_",
         "jieba's own start-up log when it loads its dictionary", explained_by=("Building prefix dict",)),
    rule(r"jieba.*SyntaxWarning: invalid escape sequence|jieba.*pkg_resources is deprecated", "05_ 10_",
         "jieba's old source on Python >= 3.12 (Colab runs 3.13)", explained_by=("invalid escape sequence",)),
    rule(r"Passing `generation_config` together with generation-related arguments|Both `max_new_tokens` \(=\d+\) "
         r"and `max_length`\(=20\) seem to have been set|Ignoring clean_up_tokenization_spaces=True for BPE", "01_ 12_",
         "transformers 5.15's text-generation / image-text-to-text pipelines (Colab's version) nag about their own "
         "defaults",
         explained_by=("Passing generation_config together with generation-related arguments",)),
    rule(r"`use_return_dict` is deprecated", "08_",
         "peft 0.20 reads a config attribute transformers 5.15 renamed", explained_by=("use_return_dict is deprecated",)),
    rule(r"The tied weights mapping and config for this model specifies to tie shared.weight to lm_head.weight|"
         r"Both `max_new_tokens` \(=60\) and `max_length`\(=84\)", "01_",
         "mT5-XLSum's published checkpoint and config (its own lm_head; max_length 84 in config.json)",
         explained_by=("so we will NOT tie them",)),
    rule(r"Could not reach the Hub \(Cannot reach https://huggingface.co/api/models/.*offline mode is enabled", "*",
         "sentence-transformers asks the hub for the newest commit of a model loaded by hub id",
         not_for_learners="offline only (rehearsal loads real hub ids with HF_HUB_OFFLINE=1); on Colab the hub answers"),
    rule(r"peft/utils/save_and_load.py:\d+: UserWarning: Could not find a config file in ", "06_ 07_",
         "peft looks up the base model's config on the hub when it saves an adapter",
         not_for_learners="offline only (rehearsal): on Colab peft finds the config on the hub and says nothing"),
    rule(r"mtime may not be reliable on this filesystem", "06_ 07_",
         "two checkpoints saved within one second, so transformers sorts them by step number instead",
         not_for_learners="only the seconds-long offline run saves checkpoints under a second apart; "
                          "with real settings they are minutes apart"),
]


def messages(text: str) -> list[str]:
    """Split one stderr output into messages: a first line plus the lines that continue it."""
    found: list[str] = []
    for line in text.splitlines():
        if NOISE.search(line):
            continue
        if found and CONTINUATION.match(line):
            found[-1] += "\n" + line
        else:
            found.append(line)
    return found


def _cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _stderr(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = output.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def unexplained(notebook: str, nb: dict) -> list[str]:
    """One line per message in ``nb``'s outputs that no rule allows here, or whose explanation comes too late."""
    problems = []
    seen_text = ""
    for index, cell in enumerate(nb["cells"]):
        seen_text += _cell_text(cell) + "\n"
        for message in messages(_stderr(cell)):
            first = message.splitlines()[0]
            matching = [r for r in RULES if r.pattern.search(first)]
            if not matching:
                problems.append(f"单元格 {index}：没有对应规则：{first[:200]}")
                continue
            allowed = [r for r in matching if r.allows(notebook)]
            if not allowed:
                problems.append(f"单元格 {index}：这条警告不该出现在 {notebook}：{first[:160]}")
            elif not any(r.not_for_learners or any(p in seen_text for p in r.explained_by) for r in allowed):
                wanted = " / ".join(p for r in allowed for p in r.explained_by)
                problems.append(f"单元格 {index}：警告出现之前没有解释（要在这之前的单元格里写到「{wanted}」）：{first[:160]}")
    return problems
