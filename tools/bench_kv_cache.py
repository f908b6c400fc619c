"""Benchmark: generation with and without the KV cache on a full-size imitation of Qwen2.5-0.5B-Instruct.

    python tools/bench_kv_cache.py [--new-tokens 16 64 256] [--repeats 3] [--uncached-repeats N]
                                   [--device cpu|cuda] [--dtype fp32|fp16]

Notebook 04 claims that the KV cache makes generation much faster and that the gain grows with the length. The
2-layer stand-in cannot show it (its cost is all overhead), so this builds the real config
(course_utils/data/real_models.json) at full size with random weights — time does not depend on weight values — and
times greedy ``generate`` of exactly N new tokens (``min_new_tokens`` = ``max_new_tokens``, so a random model cannot
stop early) with ``use_cache=True`` and ``use_cache=False``, several repeats each, from the same 20-token prompt.
Prints, per length: the median seconds with and without the cache, the spread (min–max), and the ratio of medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def _timed_generate(model, inputs, new_tokens: int, use_cache: bool) -> float:
    import torch

    if model.device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                                use_cache=use_cache)
    if model.device.type == "cuda":
        torch.cuda.synchronize()
    assert output.shape[1] == inputs["input_ids"].shape[1] + new_tokens
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    import torch
    import transformers
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from course_utils.imitations import published_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-id", default="Qwen/Qwen2.5-0.5B-Instruct")
    parser.add_argument("--new-tokens", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--uncached-repeats", type=int, default=None,
                        help="repeats without the cache (default: --repeats); one run of 256 new tokens took about 5 "
                             "minutes on 2 CPU cores (docs/budgets.md)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32")
    args = parser.parse_args(argv)
    uncached_repeats = args.repeats if args.uncached_repeats is None else args.uncached_repeats
    published = published_config(args.model_id)
    torch.manual_seed(0)
    dtype = torch.float16 if args.dtype == "fp16" else torch.float32
    model = Qwen2ForCausalLM(Qwen2Config(**published)).to(dtype).to(args.device).eval()
    model.generation_config.pad_token_id = published["eos_token_id"]
    prompt = torch.randint(0, 150_000, (1, 20), device=args.device)
    inputs = {"input_ids": prompt, "attention_mask": torch.ones_like(prompt)}
    _timed_generate(model, inputs, 4, True)  # warm-up: first calls pay one-off costs
    where = torch.cuda.get_device_name() if args.device == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"{args.model_id} full-size imitation ({model.num_parameters():,} parameters, {args.dtype}) on {where}; "
          f"torch {torch.__version__}, transformers {transformers.__version__}; {args.repeats} repeats with the cache, "
          f"{uncached_repeats} without")
    print(f"{'new tokens':>10} | {'with cache: median (min–max) s':>32} | {'without: median (min–max) s':>30} | ratio")
    for new_tokens in args.new_tokens:
        runs = {cache: [_timed_generate(model, inputs, new_tokens, cache) for _ in range(repeats)]
                for cache, repeats in ((True, args.repeats), (False, uncached_repeats))}
        cached, uncached = (statistics.median(runs[c]) for c in (True, False))
        spread = {c: f"{statistics.median(r):7.2f} ({min(r):.2f}–{max(r):.2f})" for c, r in runs.items()}
        print(f"{new_tokens:>10} | {spread[True]:>32} | {spread[False]:>30} | {uncached / cached:5.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("COURSE_MODE", "smoke")  # offline: only the published config is needed, no hub probe
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
