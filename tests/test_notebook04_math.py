"""Notebook 04's hand-written Qwen2 maths, re-run against the library on tiny configs of other shapes.

The notebook rebuilds a Qwen2 forward pass by hand (embedding lookup, RoPE frequencies, Q/K/V projections,
causal mask, grouped-query attention, RMSNorm, SwiGLU, residual block, final norm + lm_head, greedy loop) and
checks every step against the library -- but only on the model it happens to load. Here the notebook's *own*
code is taken out of the .ipynb (no re-implementation): the top-level statements that bind the names below are
selected with ``ast`` and executed in order, with ``model``/``input_ids``/``ref`` supplied for random tiny
Qwen2 models whose head counts, widths, depth, vocabulary, RoPE base and eps all differ from the smoke
stand-in (hidden 64, 4 heads, 2 KV heads, 2 layers). The notebook's own self-check statements run too, and
the test then compares the results with the library itself (``torch.testing.assert_close``), layer by layer.
The last tests mutate the extracted source (wrong scaling, dropped residual, ...) to prove the comparison bites.
"""

from __future__ import annotations

import ast
import builtins
import re
import types
from dataclasses import dataclass

import pytest
import torch

import course_utils
from tests.nbtools import NOTEBOOK_DIR, code_cells, load, strip_magics

NOTEBOOK = NOTEBOOK_DIR / "04_transformer_internals.ipynb"

# Names the notebook's hand-written path binds, in teaching order. Every statement that binds one of them is
# taken (whole: a `def`, an assignment, a `for` loop); prints and plots bind none of them and are left out.
WANTED = (
    "math", "torch", "F",                                    # the notebook's own imports
    "cfg", "head_dim", "n_heads", "n_kv_heads",              # sizes read from model.config
    "embedding", "x",                                        # 1. embedding lookup
    "apply_rotary_pos_emb", "rope_theta", "even", "my_inv_freq",  # 2. RoPE
    "layer", "attn", "h", "Q", "K", "V",                     # 3. projections
    "position_ids", "cos", "sin", "q0", "k0", "v0", "scores", "weights", "out0",  # 3. one head
    "causal_mask", "masked_scores", "masked_weights",        # 4. causal mask
    "Qh", "Kh", "Vh", "groups", "Kh_rep", "Vh_rep",          # 5. multi-head + GQA
    "all_weights", "heads_out", "merged", "attn_out", "lib_attn_out", "my_attention",
    "eps", "rms_norm", "swiglu_ffn", "my_block", "block_out", "lib_block_out",  # 6. block
    "hidden", "final", "last_vector", "my_logits",           # 7. all layers + lm_head
    "eos", "eos_ids", "MAX_NEW", "greedy_generate",          # 7. greedy loop
)
LAST_NAME = "greedy_generate"  # extraction stops at the cell that defines it (later sections reuse names)
PROVIDED = {"model", "enc", "input_ids", "T", "ref", "device", "course_utils"}


# ----------------------------------------------------------------------------------------------- extraction
def _bound(stmt: ast.stmt) -> set[str]:
    """Names a top-level statement binds (assignment targets, def/import names, names assigned in a loop)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    names: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _loaded(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _is_self_check(stmt: ast.stmt) -> bool:
    """`course_utils.check_xxx(...)` as a statement of its own."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "course_utils"
            and call.func.attr.startswith("check_"))


def notebook_program(*, self_checks: bool = True) -> str:
    """The notebook's own source for the hand-written path, statement by statement, in notebook order.

    Self-check statements are kept when every name they read is available at that point (so the
    sinusoidal/plot demos, whose inputs are not extracted, drop out on their own).
    """
    available = set(PROVIDED) | set(dir(builtins))
    found: set[str] = set()
    pieces: list[str] = []
    for source in code_cells(load(NOTEBOOK)):
        source = strip_magics(source)
        tree = ast.parse(source)
        for stmt in tree.body:
            bound = _bound(stmt)
            if bound & set(WANTED):
                found |= bound & set(WANTED)
                available |= bound
                pieces.append(ast.get_source_segment(source, stmt))
            elif self_checks and _is_self_check(stmt) and _loaded(stmt) <= available:
                pieces.append(ast.get_source_segment(source, stmt))
        if LAST_NAME in found:
            break
    missing = [name for name in WANTED if name not in found]
    assert not missing, f"notebook 04 no longer binds {missing}: update WANTED in this test"
    return "\n".join(pieces) + "\n"


# ----------------------------------------------------------------------------------------------- models
@dataclass(frozen=True)
class Spec:
    name: str
    hidden: int
    heads: int
    kv_heads: int
    intermediate: int
    layers: int
    vocab: int
    rope_theta: float
    eps: float
    tie: bool
    seq_len: int
    seed: int


SPECS = [
    # GQA with 2 query heads per KV head (smoke has 2 too, but 6/3 heads, head_dim 8, 3 layers, odd vocab)
    Spec("gqa-6q3kv", hidden=48, heads=6, kv_heads=3, intermediate=80, layers=3, vocab=97,
         rope_theta=5000.0, eps=1e-5, tie=True, seq_len=11, seed=0),
    # multi-query: every query head shares the single KV head; untied lm_head, large RoPE base
    Spec("mqa-5q1kv", hidden=40, heads=5, kv_heads=1, intermediate=72, layers=2, vocab=61,
         rope_theta=1_000_000.0, eps=1e-6, tie=False, seq_len=7, seed=1),
    # GQA with 3 query heads per KV head, longer sequence
    Spec("gqa-6q2kv", hidden=36, heads=6, kv_heads=2, intermediate=56, layers=2, vocab=53,
         rope_theta=10_000.0, eps=1e-6, tie=True, seq_len=13, seed=2),
]
GQA, MQA = SPECS[0], SPECS[1]


def build_model(spec: Spec):
    from transformers import AutoModelForCausalLM, Qwen2Config

    config = Qwen2Config(
        hidden_size=spec.hidden, num_attention_heads=spec.heads, num_key_value_heads=spec.kv_heads,
        intermediate_size=spec.intermediate, num_hidden_layers=spec.layers, vocab_size=spec.vocab,
        rope_theta=spec.rope_theta, rms_norm_eps=spec.eps, tie_word_embeddings=spec.tie,
        max_position_embeddings=128, eos_token_id=spec.vocab - 1, pad_token_id=spec.vocab - 1,
    )
    torch.manual_seed(spec.seed)
    model = AutoModelForCausalLM.from_config(config, attn_implementation="eager", dtype=torch.float32)
    # random everything (the default init zeroes the q/k/v biases and sets the norm weights to 1, which would
    # let a forgotten bias or norm weight slip through)
    generator = torch.Generator().manual_seed(spec.seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(0.5 + torch.rand(p.shape, generator=generator))
            elif "embed" in name:
                p.copy_(torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=generator))
    model.eval().requires_grad_(False)  # the notebook does the same after loading
    ids = torch.randint(0, spec.vocab - 1, (1, spec.seq_len), generator=generator)  # no eos inside the prompt
    return model, ids


class RecordingChecks(types.SimpleNamespace):
    """Stands in for `course_utils` inside the notebook code: runs the real self-checks, remembers the gaps."""

    def __init__(self) -> None:
        super().__init__(gaps=[])

    def __getattr__(self, name):  # anything not overridden: the real course_utils
        return getattr(course_utils, name)

    def check_close(self, actual, expected, **kwargs) -> None:
        a, e = torch.as_tensor(actual).float(), torch.as_tensor(expected).float()
        gap = (a - e).abs().max().item() if a.shape == e.shape and a.numel() else float("nan")
        self.gaps.append((kwargs.get("ok", "?"), gap))
        course_utils.check_close(actual, expected, **kwargs)


def run_notebook_code(source: str, spec: Spec) -> dict:
    """Execute the extracted notebook statements for one tiny model; returns the namespace plus library refs."""
    model, input_ids = build_model(spec)
    lib = {"attn": [], "mlp_in": [], "mlp": [], "layer": []}

    def keep_attn(module, args, out) -> None:  # hooks must return None, or they replace the module's output
        lib["attn"].append(out[0])

    def keep_mlp(module, args, out) -> None:
        lib["mlp_in"].append(args[0])
        lib["mlp"].append(out)

    def keep_layer(module, args, out) -> None:
        lib["layer"].append(out[0] if isinstance(out, tuple) else out)

    hooks = []
    for block in model.model.layers:
        hooks += [block.self_attn.register_forward_hook(keep_attn), block.mlp.register_forward_hook(keep_mlp),
                  block.register_forward_hook(keep_layer)]
    enc = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids)}
    ref = model(**enc, output_hidden_states=True, output_attentions=True)  # the notebook's reference call
    for hook in hooks:
        hook.remove()
    ns = {"__name__": "notebook04", "model": model, "enc": enc, "input_ids": input_ids, "T": input_ids.shape[1],
          "ref": ref, "device": "cpu", "course_utils": RecordingChecks()}
    exec(compile(source, str(NOTEBOOK), "exec"), ns)  # noqa: S102 - the notebook's own code, on our model
    ns["_lib"] = lib
    return ns


# ----------------------------------------------------------------------------------------------- comparison
def compare_with_library(ns: dict) -> dict[str, float]:
    """Assert every hand-made result equals the library's; return the largest absolute gap per comparison."""
    model, ref, lib = ns["model"], ns["ref"], ns["_lib"]
    gaps: dict[str, float] = {}

    def same(name, hand, library, tol=1e-5):
        hand, library = torch.as_tensor(hand), torch.as_tensor(library)
        assert hand.shape == library.shape, f"{name}: shape {list(hand.shape)} != {list(library.shape)}"
        gaps[name] = max(gaps.get(name, 0.0), (hand - library).abs().max().item())
        torch.testing.assert_close(hand, library, atol=tol, rtol=tol, msg=lambda m: f"{name}: {m}")

    cfg, L = model.config, model.config.num_hidden_layers
    assert (ns["n_heads"], ns["n_kv_heads"], ns["head_dim"]) == (
        cfg.num_attention_heads, cfg.num_key_value_heads, cfg.hidden_size // cfg.num_attention_heads)
    same("embedding lookup x", ns["x"], model.model.embed_tokens(ns["input_ids"]))
    same("embedding lookup x", ns["x"], ref.hidden_states[0])
    same("RoPE inv_freq", ns["my_inv_freq"], model.model.rotary_emb.inv_freq, tol=1e-6)
    attn = model.model.layers[0].self_attn
    for name, proj in (("Q", attn.q_proj), ("K", attn.k_proj), ("V", attn.v_proj)):
        same(f"{name} projection", ns[name], proj(ns["h"]))
    same("one head, unmasked (SDPA)", ns["out0"],
         torch.nn.functional.scaled_dot_product_attention(ns["q0"], ns["k0"], ns["v0"]))
    same("one head, last row of weights", ns["weights"][0, 0, -1], ref.attentions[0][0, 0, -1])
    same("one head, causal weights", ns["masked_weights"][0, 0], ref.attentions[0][0, 0])
    same("all heads, GQA weights", ns["all_weights"], ref.attentions[0])
    same("attention output (step by step)", ns["attn_out"], lib["attn"][0])
    same("attention output (notebook's library call)", ns["attn_out"], ns["lib_attn_out"])
    same("block 0 (step-by-step vs layer call)", ns["block_out"], ns["lib_block_out"], tol=1e-4)

    rms_norm, my_attention, swiglu_ffn, my_block = (ns[k] for k in ("rms_norm", "my_attention", "swiglu_ffn", "my_block"))
    cos, sin, mask = ns["cos"], ns["sin"], ns["causal_mask"]
    for i, block in enumerate(model.model.layers):  # every layer, fed the library's own input to that layer
        x_in = ref.hidden_states[i]
        h = rms_norm(x_in, block.input_layernorm.weight)
        same("RMSNorm (input_layernorm)", h, block.input_layernorm(x_in))
        same("my_attention per layer", my_attention(h, block.self_attn, cos, sin, mask), lib["attn"][i])
        same("attention weights per layer", _weights_of(ns, h, block.self_attn), ref.attentions[i])
        same("RMSNorm (post_attention_layernorm)", rms_norm(x_in + lib["attn"][i], block.post_attention_layernorm.weight),
             lib["mlp_in"][i])
        same("swiglu_ffn per layer", swiglu_ffn(lib["mlp_in"][i], block.mlp), lib["mlp"][i])
        same("my_block per layer", my_block(x_in, block, cos, sin, mask), lib["layer"][i], tol=1e-4)
        if i < L - 1:
            same("my_block per layer", my_block(x_in, block, cos, sin, mask), ref.hidden_states[i + 1], tol=1e-4)
    same("all layers + final norm", ns["final"], ref.hidden_states[-1], tol=1e-4)
    same("last-position logits", ns["my_logits"], ref.logits[0, -1], tol=1e-4)
    same("all-position logits", ns["final"] @ model.lm_head.weight.T, ref.logits, tol=1e-4)

    prompt = ns["input_ids"][:, :5]
    mine = ns["greedy_generate"](prompt, ns["MAX_NEW"])
    theirs = model.generate(prompt, attention_mask=torch.ones_like(prompt), do_sample=False,
                            max_new_tokens=ns["MAX_NEW"], repetition_penalty=1.0)
    assert mine.tolist() == theirs.tolist(), "greedy_generate != generate(do_sample=False)"
    gaps["greedy tokens generated"] = float(mine.shape[1] - prompt.shape[1])
    return gaps


def _weights_of(ns: dict, h, attn):
    """The per-head weights my_attention computes, via the notebook's own step statements (cells 57-59)."""
    n = h.shape[1]
    step = {**ns, "Q": h @ attn.q_proj.weight.T + attn.q_proj.bias, "K": h @ attn.k_proj.weight.T + attn.k_proj.bias,
            "V": h @ attn.v_proj.weight.T + attn.v_proj.bias, "T": n, "attn": attn}
    exec(ns["_steps"], step)  # noqa: S102
    return step["all_weights"]


def _multihead_steps(source: str) -> str:
    """The GQA step statements (Qh = ... through all_weights = ...) out of the extracted program."""
    lines = [stmt for stmt in _statements(source) if _bound(ast.parse(stmt).body[0]) & {
        "Qh", "Kh", "Vh", "groups", "Kh_rep", "Vh_rep", "all_weights"}]
    assert len(lines) >= 7, lines
    return "\n".join(lines) + "\n"


def _statements(source: str) -> list[str]:
    tree = ast.parse(source)
    return [ast.get_source_segment(source, stmt) for stmt in tree.body]


def run_and_compare(source: str, spec: Spec) -> tuple[dict, dict[str, float]]:
    ns = run_notebook_code(source, spec)
    ns["_steps"] = _multihead_steps(source)
    return ns, compare_with_library(ns)


# ----------------------------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def program() -> str:
    return notebook_program()


@pytest.fixture(scope="module")
def bare_program() -> str:
    return notebook_program(self_checks=False)


def test_extraction_takes_the_notebooks_own_code(program: str) -> None:
    for snippet in ("def my_attention(", "def my_block(", "def rms_norm(", "def swiglu_ffn(", "def greedy_generate(",
                    ".repeat_interleave(", "/ math.sqrt(head_dim)", "causal_mask = torch.full(",
                    "x = embedding.weight[input_ids]", "course_utils.check_close("):
        assert snippet in program, snippet
    for leftover in ("plt.", "tokenizer", "AutoModelForCausalLM.from_pretrained", "resolve_model"):
        assert leftover not in program, leftover  # plots, the tokenizer and model loading stay out


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_notebook_math_matches_library_on_other_shapes(program: str, spec: Spec) -> None:
    assert (spec.hidden, spec.heads, spec.kv_heads, spec.layers) != (64, 4, 2, 2)  # not the smoke stand-in
    ns, gaps = run_and_compare(program, spec)
    self_checks = ns["course_utils"].gaps
    assert len(self_checks) >= 12, self_checks  # the notebook's own check_close calls ran on this shape too
    width = max(map(len, gaps))
    print(f"\n[{spec.name}] hand vs library, max |diff|:")
    for name, gap in gaps.items():
        print(f"  {name:<{width}}  {gap:.3g}")
    print(f"  notebook self-checks: {len(self_checks)} ran, worst gap {max(g for _, g in self_checks):.3g}")


MUTATIONS = {
    # wrong attention scale: √hidden instead of √head_dim (every place the notebook scales)
    "scale by sqrt(hidden_size)": (r"/ math\.sqrt\(head_dim\)", "/ math.sqrt(cfg.hidden_size)"),
    # forget the first residual connection inside my_block
    "drop attention residual": (r"x = x \+ my_attention\(", "x = my_attention("),
    # RMSNorm without its learned weight
    "drop RMSNorm weight": (r"return weight \* \(v / rms\)", "return v / rms"),
    # forget the causal mask in the function version
    "no causal mask": (r"\+ mask\)\.softmax", ").softmax"),
    # SwiGLU with the gate and up projections swapped
    "swap gate/up": (r"F\.silu\(v @ mlp\.gate_proj\.weight\.T\)", "F.silu(v @ mlp.up_proj.weight.T)"),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_comparison_has_teeth(bare_program: str, mutation: str) -> None:
    pattern, replacement = MUTATIONS[mutation]
    broken, count = re.subn(pattern, replacement, bare_program)
    assert count >= 1, f"{mutation}: pattern not found in the notebook code any more"
    with pytest.raises(AssertionError):
        run_and_compare(broken, GQA)


def test_second_shape_matters_repeat_vs_repeat_interleave(bare_program: str) -> None:
    """`repeat` instead of `repeat_interleave` for the KV heads: invisible with one KV head, caught with GQA."""
    broken, count = re.subn(r"\.repeat_interleave\(([^,]+), dim=1\)", r".repeat(1, \1, 1, 1)", bare_program)
    assert count >= 4, count
    run_and_compare(broken, MQA)  # multi-query: both orders give the same heads, so this shape cannot tell
    with pytest.raises(AssertionError):
        run_and_compare(broken, SPECS[2])  # 6 query heads over 2 KV heads: wrong head pairing is caught
