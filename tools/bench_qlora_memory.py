"""Benchmark: weight memory of Qwen2.5-0.5B-Instruct in fp16 vs 4-bit NF4 (QLoRA), measured on a full-size imitation.

    python tools/bench_qlora_memory.py [--model-id Qwen/Qwen2.5-0.5B-Instruct]

Builds the real config (course_utils/data/real_models.json) at full size with random weights (memory does not depend
on the values), saves it once in fp16, then loads it twice: as fp16, and through bitsandbytes as 4-bit NF4 with double
quantization (course_utils.finetune.qlora_config, the notebooks' setting). Prints each model's
``get_memory_footprint()`` and the ratio. bitsandbytes quantizes on CPU too, so this runs without a GPU.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

    from course_utils.finetune import qlora_config  # the notebooks' own 4-bit recipe, measured as they use it
    from course_utils.imitations import published_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-id", default="Qwen/Qwen2.5-0.5B-Instruct")
    model_id = parser.parse_args(argv).model_id
    published = published_config(model_id)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        torch.manual_seed(0)
        Qwen2ForCausalLM(Qwen2Config(**published)).to(torch.float16).save_pretrained(folder)
        print(f"full-size {model_id} imitation saved in fp16 ({time.perf_counter() - start:.0f} s)")
        fp16 = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float16)
        fp16_gib = fp16.get_memory_footprint() / 1024**3
        params = fp16.num_parameters()
        del fp16
        q4 = AutoModelForCausalLM.from_pretrained(folder, quantization_config=qlora_config(torch.float16),
                                                  dtype=torch.float16)
        q4_gib = q4.get_memory_footprint() / 1024**3
        embed_gib = q4.get_input_embeddings().weight.nbytes / 1024**3
    print(f"parameters: {params:,}")
    print(f"fp16 weights: {fp16_gib:.3f} GiB | 4-bit NF4 weights: {q4_gib:.3f} GiB | ratio {fp16_gib / q4_gib:.2f}x")
    print(f"of the 4-bit model, the embedding matrix (not quantized, tied to the output layer): {embed_gib:.3f} GiB")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("COURSE_MODE", "smoke")  # offline: only the published config is needed, no hub probe
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
