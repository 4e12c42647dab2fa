#!/usr/bin/env python3
"""PyTorch side of tta-stream's benchmarks: torchaudio's wav2vec2 with random weights, timed the
same way as the Java side (one warm-up, then the median of R runs). Prints one JSON line.

    /usr/bin/python3 tools/bench/torch_wav2vec2.py --config base --seconds 10 --mode forward --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torchaudio

CONFIGS = {
    # facebook/wav2vec2-base-960h's architecture
    "base": dict(conv=512, hidden=768, layers=12, heads=12, ffn=3072, pos_kernel=128, pos_groups=16),
    # tta-stream's source model (TrainConfig.source())
    "source": dict(conv=128, hidden=192, layers=6, heads=3, ffn=768, pos_kernel=64, pos_groups=8),
    "tiny": dict(conv=16, hidden=32, layers=2, heads=4, ffn=64, pos_kernel=16, pos_groups=4),
}


def build(cfg):
    return torchaudio.models.wav2vec2_model(
        extractor_mode="group_norm",
        extractor_conv_layer_config=[(cfg["conv"], 10, 5)] + [(cfg["conv"], 3, 2)] * 4 + [(cfg["conv"], 2, 2)] * 2,
        extractor_conv_bias=False, encoder_embed_dim=cfg["hidden"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=cfg["pos_kernel"], encoder_pos_conv_groups=cfg["pos_groups"],
        encoder_num_layers=cfg["layers"], encoder_num_heads=cfg["heads"], encoder_attention_dropout=0.0,
        encoder_ff_interm_features=cfg["ffn"], encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=False, encoder_layer_drop=0.0, aux_num_out=32).eval()


def suta_loss(logits, temperature=2.5, em_coef=0.3):
    x = logits / temperature
    p = torch.softmax(x, -1)
    entropy = -(p * torch.log_softmax(x, -1)).sum(-1)
    mask = logits.argmax(-1) != 0
    em = entropy[mask].mean() if mask.any() else logits.new_zeros(())
    w = (1 + torch.exp(-entropy)).detach()
    w = p.shape[0] * w / w.sum()
    a = p.t() @ (w[:, None] * p)
    a = a / a.sum(1, keepdim=True)
    mcc = (a.sum() - torch.trace(a)) / 32
    return em_coef * em + (1 - em_coef) * mcc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="base", choices=sorted(CONFIGS))
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--mode", default="forward", choices=["forward", "suta"])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build(CONFIGS[args.config]).to(args.device)
    audio = torch.randn(1, int(args.seconds * 16000), device=args.device)
    trainable = [p for n, p in model.named_parameters() if "layer_norm" in n or n.startswith("feature_extractor.")
                 or n.startswith("encoder.feature_projection.")]
    initial = [p.detach().clone() for p in trainable]

    def forward():
        with torch.inference_mode():
            return model(audio)[0].argmax(-1)

    def suta():
        with torch.no_grad():
            for p, p0 in zip(trainable, initial):
                p.copy_(p0)
        optimizer = torch.optim.AdamW(trainable, lr=2e-5, weight_decay=0.0)
        for _ in range(args.steps):
            optimizer.zero_grad()
            suta_loss(model(audio)[0][0]).backward()
            optimizer.step()
        return forward()

    work = forward if args.mode == "forward" else suta
    work()
    times = []
    for _ in range(args.repeats):
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        start = time.perf_counter()
        work()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "mode": args.mode, "config": args.config,
                      "seconds_audio": args.seconds, "median_s": median, "rtf": median / args.seconds,
                      "threads": args.threads, "steps": args.steps if args.mode == "suta" else 0}))


if __name__ == "__main__":
    main()
