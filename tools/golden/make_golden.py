#!/usr/bin/env python3
"""Golden tensors for tta-stream's Java wav2vec2: tiny random Wav2Vec2ForCTC checkpoints in the
Hugging Face file format, run once through an independent implementation (torchaudio's
wav2vec2_model, in float64) to record logits and SUTA-loss gradients.

Run with Debian's Python (python3-torch, python3-torchaudio):
    /usr/bin/python3 tools/golden/make_golden.py adaptation/src/test/resources/golden
"""
import json
import math
import os
import struct
import sys

import torch
import torchaudio

VOCAB = ["<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R", "D",
         "L", "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z"]
KERNELS = [10, 3, 3, 3, 3, 2, 2]
STRIDES = [5, 2, 2, 2, 2, 2, 2]

# The SUTA loss settings of the reference (Dynamic-SUTA config/system/suta.yaml).
TEMPERATURE = 2.5
EM_COEF = 0.3
MCC_CLASSES = 32
# A larger step than the reference's 2e-5 so the trajectory moves measurably on random weights.
TRAJECTORY_LR = 1e-3
TRAJECTORY_STEPS = 10


def hf_config(norm, conv_bias, stable):
    return {
        "architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2", "vocab_size": 32,
        "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
        "hidden_act": "gelu", "feat_extract_norm": norm, "feat_extract_activation": "gelu",
        "conv_dim": [16] * 7, "conv_kernel": KERNELS, "conv_stride": STRIDES, "conv_bias": conv_bias,
        "num_feat_extract_layers": 7, "num_conv_pos_embeddings": 16, "num_conv_pos_embedding_groups": 4,
        "do_stable_layer_norm": stable, "layer_norm_eps": 1e-5, "feat_proj_layer_norm": True,
        "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2,
    }


def torchaudio_model(cfg):
    return torchaudio.models.wav2vec2_model(
        extractor_mode="group_norm" if cfg["feat_extract_norm"] == "group" else "layer_norm",
        extractor_conv_layer_config=list(zip(cfg["conv_dim"], cfg["conv_kernel"], cfg["conv_stride"])),
        extractor_conv_bias=cfg["conv_bias"], encoder_embed_dim=cfg["hidden_size"],
        encoder_projection_dropout=0.0, encoder_pos_conv_kernel=cfg["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=cfg["num_conv_pos_embedding_groups"],
        encoder_num_layers=cfg["num_hidden_layers"], encoder_num_heads=cfg["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=cfg["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=cfg["do_stable_layer_norm"],
        encoder_layer_drop=0.0, aux_num_out=cfg["vocab_size"])


def hf_name(ta_name):
    """torchaudio parameter name -> Hugging Face Wav2Vec2ForCTC name."""
    n = ta_name
    if n.startswith("aux."):
        return "lm_head." + n[len("aux."):]
    n = n.replace("encoder.feature_projection.", "feature_projection.")
    n = n.replace("encoder.transformer.", "encoder.")
    return "wav2vec2." + n


def randomise(model, generator):
    """Weights that keep activations O(1): LayerNorm/GroupNorm affine near (1, 0) but not equal."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator, dtype=torch.float64))
            elif name.endswith("weight_g"):
                p.copy_(1 + 0.2 * torch.rand(p.shape, generator=generator, dtype=torch.float64))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) / math.sqrt(fan_in))


def suta_loss(logits):
    """The reference SUTA loss: 0.3 * EM over non-blank frames + 0.7 * reweighted MCC."""
    x = logits / TEMPERATURE
    p = torch.softmax(x, dim=-1)
    entropy = -(p * torch.log_softmax(x, dim=-1)).sum(-1)
    non_blank = logits.argmax(-1) != 0
    em = entropy[non_blank].mean() if non_blank.any() else logits.new_zeros(())
    frames = p.shape[0]
    w = (1 + torch.exp(-entropy)).detach()
    w = frames * w / w.sum()
    a = p.t() @ (w[:, None] * p)
    a = a / a.sum(dim=1, keepdim=True)
    mcc = (a.sum() - torch.trace(a)) / MCC_CLASSES
    return EM_COEF * em + (1 - EM_COEF) * mcc


def input_audio(seconds=1.0, rate=16000):
    g = torch.Generator().manual_seed(1234)
    t = torch.arange(int(seconds * rate), dtype=torch.float64) / rate
    x = 0.5 * torch.sin(2 * math.pi * 220 * t) + 0.3 * torch.sin(2 * math.pi * 1370 * t + 1.0)
    x = x * (0.5 + 0.5 * torch.sin(2 * math.pi * 3 * t)) + 0.1 * torch.randn(t.shape, generator=g, dtype=torch.float64)
    return (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = (t.to(torch.float16) if dtype == "F16" else t.to(torch.float32)).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def hf_state(model):
    state = {hf_name(n): p for n, p in model.named_parameters()}
    state["wav2vec2.masked_spec_embed"] = torch.zeros(model.encoder.feature_projection.projection.out_features,
                                                      dtype=torch.float64)
    return state


def trainable(name):
    """SUTA's train_LN + train_feature set, each tensor once."""
    return ("layer_norm" in name or name.startswith("wav2vec2.feature_extractor.")
            or name.startswith("wav2vec2.feature_projection."))


def make(out_dir, name, cfg, seed, fp16=False):
    torch.manual_seed(seed)
    model = torchaudio_model(cfg).double().eval()
    randomise(model, torch.Generator().manual_seed(seed))
    if fp16:  # the golden must come from the weights as the F16 file stores them
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.to(torch.float16).to(torch.float64))
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump({tok: i for i, tok in enumerate(VOCAB)}, f, indent=2)
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump({"do_normalize": True, "feature_extractor_type": "Wav2Vec2FeatureExtractor", "feature_size": 1,
                   "padding_side": "right", "padding_value": 0.0, "return_attention_mask": False,
                   "sampling_rate": 16000}, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), hf_state(model), "F16" if fp16 else "F32")

    audio = input_audio()
    logits, _ = model(audio[None])
    logits = logits[0]
    loss = suta_loss(logits)
    model.zero_grad()
    loss.backward()
    golden = {"input_values": audio, "logits": logits}
    golden["suta_loss"] = loss.detach().reshape(1)
    for n, p in model.named_parameters():
        golden["grad." + hf_name(n)] = p.grad.detach().clone()

    # A 10-step SUTA trajectory with AdamW on the trainable set.
    params = [p for n, p in model.named_parameters() if trainable(hf_name(n))]
    names = [hf_name(n) for n, p in model.named_parameters() if trainable(hf_name(n))]
    optimizer = torch.optim.AdamW(params, lr=TRAJECTORY_LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    losses = []
    for _ in range(TRAJECTORY_STEPS):
        optimizer.zero_grad()
        step_loss = suta_loss(model(audio[None])[0][0])
        losses.append(step_loss.item())
        step_loss.backward()
        optimizer.step()
    with torch.no_grad():
        losses.append(suta_loss(model(audio[None])[0][0]).item())
    golden["trajectory.loss"] = torch.tensor(losses, dtype=torch.float64)
    for n, p in zip(names, params):
        golden["trajectory.final." + n] = p
    metadata = {"temperature": TEMPERATURE, "em_coef": EM_COEF, "mcc_classes": MCC_CLASSES,
                "em_non_blank_only": True, "mcc_reweight": True, "trajectory_lr": TRAJECTORY_LR,
                "trajectory_steps": TRAJECTORY_STEPS, "optimizer": "torch.optim.AdamW betas=(0.9,0.999) eps=1e-8 wd=0",
                "trainable": ",".join(names), "torch": torch.__version__, "torchaudio": torchaudio.__version__,
                "computed_in": "float64"}
    write_safetensors(os.path.join(folder, "golden.safetensors"), golden, "F32", metadata)
    print(f"{name}: T={logits.shape[0]} loss={loss.item():.6f} logits[0,:4]={logits[0, :4].tolist()}")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "adaptation/src/test/resources/golden"
    torch.set_default_dtype(torch.float64)
    make(out_dir, "tiny-group", hf_config("group", False, False), seed=1)
    make(out_dir, "tiny-layer", hf_config("layer", True, True), seed=2)
    make(out_dir, "tiny-group-fp16", hf_config("group", False, False), seed=1, fp16=True)


if __name__ == "__main__":
    main()
