#!/usr/bin/python3
"""PyTorch wav2vec2 CTC timing, printed beside the Java numbers by `tta bench-ops` / `tta bench`.

Builds the architecture with torchaudio's wav2vec2_model and random weights (timing does not depend
on the values), in eval mode, and times one utterance of random audio:

  forward  one inference forward (torch.inference_mode)
  suta     the episodic SUTA procedure for one utterance: restore the source values of the trainable
           tensors (every LayerNorm/GroupNorm, the conv feature extractor, the feature projection) and
           start a fresh AdamW; then `steps` x (forward, SUTA loss, backward, step); then one no-grad
           forward and greedy argmax

One warm-up run, then the median of `repeats` runs. Prints one JSON line. Needs torch and
torchaudio (Debian's /usr/bin/python3 has them):

    /usr/bin/python3 tools/bench/torch_wav2vec2.py --config base --seconds 10 --mode forward --threads 2

Debian's torch does its matrix products through whatever libblas.so.3 the system provides. The JSON
names it ("blas"). With the reference BLAS (package libblas3) PyTorch is about 8x slower than with
OpenBLAS (package libopenblas0-pthread), so compare against an OpenBLAS run. Without root, unpack
that package and put its openblas-pthread directory on LD_LIBRARY_PATH.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import torch
import torchaudio

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO_ROOT, "tools", "golden"))
from suta_torch import suta_loss, suta_trainable_parameters  # noqa: E402

SAMPLE_RATE = 16000
SUTA_LR = 2e-5  # the reference headline setting; AdamW, weight decay 0
TINY_CONFIG = os.path.join(REPO_ROOT, "adaptation", "src", "test", "resources", "golden", "tiny-group", "config.json")
# facebook/wav2vec2-base(-960h): the fields of its config.json that shape the network.
BASE_CONFIG = {
    "feat_extract_norm": "group", "conv_bias": False, "do_stable_layer_norm": False,
    "conv_dim": [512] * 7, "conv_kernel": [10, 3, 3, 3, 3, 2, 2], "conv_stride": [5, 2, 2, 2, 2, 2, 2],
    "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
    "num_conv_pos_embeddings": 128, "num_conv_pos_embedding_groups": 16, "vocab_size": 32,
}


def load_config(name):
    if name == "base":
        return BASE_CONFIG
    with open(TINY_CONFIG if name == "tiny" else name) as f:
        return json.load(f)


def build_model(cfg):
    """torchaudio wav2vec2 CTC model for an HF Wav2Vec2Config dict, dropout off, eval mode."""
    return torchaudio.models.wav2vec2_model(
        extractor_mode=f"{cfg['feat_extract_norm']}_norm",
        extractor_conv_layer_config=list(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])),
        extractor_conv_bias=cfg["conv_bias"],
        encoder_embed_dim=cfg["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=cfg["do_stable_layer_norm"], encoder_layer_drop=0.0,
        aux_num_out=cfg["vocab_size"],
    ).eval()


def forward_once(model, audio):
    with torch.inference_mode():
        return model(audio)[0]


def make_suta_once(model, steps):
    """Returns a function running SUTA on one utterance from the source weights, as the reference does."""
    model.requires_grad_(False)
    trainable = list(suta_trainable_parameters(model).values())
    for param in trainable:
        param.requires_grad_(True)
    source = [param.detach().clone() for param in trainable]

    def suta_once(audio):
        with torch.no_grad():
            for param, value in zip(trainable, source):
                param.copy_(value)
        optimizer = torch.optim.AdamW(trainable, lr=SUTA_LR, weight_decay=0.0)
        for _ in range(steps):
            loss = suta_loss(model(audio)[0][0])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        return forward_once(model, audio).argmax(dim=-1)

    return suta_once


def loaded_blas():
    """Real path of the BLAS library this process loaded (read from /proc/self/maps), or "unknown"."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return "unknown"
    return ",".join(sorted(os.path.realpath(p) for p in paths)) or "unknown"


def set_blas_threads(threads):
    """OpenBLAS keeps its own thread pool, which torch.set_num_threads does not reach in this build."""
    for path in loaded_blas().split(","):
        try:
            ctypes.CDLL(path).openblas_set_num_threads(threads)
        except (OSError, AttributeError):
            pass  # not OpenBLAS: nothing to set


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="base", help="base | tiny | path to an HF config.json")
    parser.add_argument("--seconds", type=float, default=10.0, help="utterance length in seconds")
    parser.add_argument("--mode", choices=["forward", "suta"], default="forward")
    parser.add_argument("--steps", type=int, default=10, help="SUTA steps per utterance")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    set_blas_threads(args.threads)
    if args.mode == "suta" and args.device == "cpu":
        # Debian's torch 1.13.1 (oneDNN 2.6.3) returns wrong, run-to-run varying float32 conv1d weight
        # gradients through oneDNN (checked against float64); the native kernels are right, so time those.
        torch.backends.mkldnn.enabled = False
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = build_model(load_config(args.config)).to(device)
    audio = torch.randn(1, round(args.seconds * SAMPLE_RATE), device=device)
    if args.mode == "forward":
        def run():
            forward_once(model, audio)
    else:
        suta_once = make_suta_once(model, args.steps)

        def run():
            suta_once(audio)

    def timed():
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    timed()  # warm-up
    median = statistics.median(timed() for _ in range(args.repeats))
    print(json.dumps({
        "impl": "pytorch", "torch": torch.__version__, "mode": args.mode, "config": args.config,
        "device": args.device, "steps": args.steps if args.mode == "suta" else 0,
        "seconds_audio": args.seconds, "median_s": round(median, 6), "rtf": round(median / args.seconds, 6),
        "threads": args.threads, "repeats": args.repeats, "mkldnn": torch.backends.mkldnn.enabled,
        "blas": loaded_blas(),
    }))


if __name__ == "__main__":
    main()
