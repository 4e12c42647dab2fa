#!/usr/bin/python3
"""Golden forward/backward data for the Java wav2vec2 CTC port.

Builds tiny RANDOM wav2vec2 CTC checkpoints in the real Hugging Face layout (config.json,
vocab.json, preprocessor_config.json, model.safetensors) and runs them through an independent
implementation, torchaudio's wav2vec2_model, in float64. For each model it writes golden.safetensors
with the input, the logits, the SUTA loss and its gradient for every parameter, and a 10-step SUTA
AdamW trajectory. Run once with Debian's Python (torch 1.13, torchaudio 0.13.1) from anywhere:

    /usr/bin/python3 tools/golden/make_golden.py

Output: adaptation/src/test/resources/golden/<name>/. See tools/golden/README.md.

Hugging Face -> torchaudio parameter names (the suffix after the prefix is identical on both sides):

    wav2vec2.feature_extractor.*   -> feature_extractor.*             conv_layers.{i}.conv.{weight,bias},
                                                                      conv_layers.{i}.layer_norm.{weight,bias}
    wav2vec2.feature_projection.*  -> encoder.feature_projection.*    layer_norm.*, projection.*
    wav2vec2.encoder.*             -> encoder.transformer.*           pos_conv_embed.conv.{weight_g,weight_v,bias},
                                                                      layer_norm.*, layers.{l}.attention.{q,k,v,out}_proj.*,
                                                                      layers.{l}.{layer_norm,final_layer_norm}.*,
                                                                      layers.{l}.feed_forward.{intermediate,output}_dense.*
    lm_head.*                      -> aux.*
    wav2vec2.masked_spec_embed     -> (none: only used by SpecAugment in training)

torchaudio's encoder_layer_norm_first=True is HF's do_stable_layer_norm=True (pre-LN layers, encoder
LayerNorm at the end); False is the base layout (encoder LayerNorm after the pos conv, post-LN layers).
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suta_torch import EM_COEF, MCC_CLASSES, TEMPERATURE, suta_loss, suta_trainable_parameters  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_ROOT = os.path.join(REPO_ROOT, "adaptation", "src", "test", "resources", "golden")

# facebook/wav2vec2-base-960h vocabulary, in id order.
VOCAB = ["<pad>", "<s>", "</s>", "<unk>", "|", "E", "T", "A", "O", "N", "I", "H", "S", "R", "D", "L",
         "U", "M", "W", "C", "F", "G", "Y", "P", "B", "V", "K", "'", "X", "J", "Q", "Z"]

SAMPLE_RATE = 16000
TRAJECTORY_STEPS = 10
TRAJECTORY_LR = 1e-3  # reference SUTA uses 2e-5; larger here so the change after 10 steps is measurable
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
# Smallest allowed gap between the blank logit and the best non-blank logit on any frame, at every
# trajectory step: the Java side recomputes the non-blank mask in float32 and must get the same mask.
MIN_BLANK_MARGIN = 1e-2

TINY = dict(
    conv_dim=[16] * 7, conv_kernel=[10, 3, 3, 3, 3, 2, 2], conv_stride=[5, 2, 2, 2, 2, 2, 2],
    hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
    num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4, vocab_size=len(VOCAB),
)
MODELS = [
    # name, feat_extract_norm, conv_bias, do_stable_layer_norm, saved dtype, weight seed
    # (seeds picked so that no frame comes near the blank decision boundary along the trajectory)
    ("tiny-group", "group", False, False, "F32", 7),
    ("tiny-layer", "layer", True, True, "F32", 6),
    ("tiny-group-fp16", "group", False, False, "F16", 7),
]


# ---------------------------------------------------------------- Hugging Face files

def hf_config(norm, conv_bias, stable):
    """A complete Wav2Vec2Config json for a CTC model, fields as in facebook/wav2vec2-base-960h."""
    return {
        "architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2",
        "activation_dropout": 0.1, "apply_spec_augment": True, "attention_dropout": 0.1,
        "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0,
        "codevector_dim": 256, "contrastive_logits_temperature": 0.1,
        "conv_bias": conv_bias, "conv_dim": TINY["conv_dim"], "conv_kernel": TINY["conv_kernel"],
        "conv_stride": TINY["conv_stride"], "ctc_loss_reduction": "sum", "ctc_zero_infinity": False,
        "diversity_loss_weight": 0.1, "do_stable_layer_norm": stable,
        "feat_extract_activation": "gelu", "feat_extract_dropout": 0.0, "feat_extract_norm": norm,
        "feat_proj_dropout": 0.1, "feat_quantizer_dropout": 0.0, "final_dropout": 0.1,
        "hidden_act": "gelu", "hidden_dropout": 0.1, "hidden_size": TINY["hidden_size"],
        "initializer_range": 0.02, "intermediate_size": TINY["intermediate_size"], "layer_norm_eps": 1e-05,
        "layerdrop": 0.1, "mask_feature_length": 10, "mask_feature_prob": 0.0, "mask_time_length": 10,
        "mask_time_prob": 0.05, "num_attention_heads": TINY["num_attention_heads"],
        "num_codevector_groups": 2, "num_codevectors_per_group": 320,
        "num_conv_pos_embedding_groups": TINY["num_conv_pos_embedding_groups"],
        "num_conv_pos_embeddings": TINY["num_conv_pos_embeddings"],
        "num_feat_extract_layers": len(TINY["conv_dim"]), "num_hidden_layers": TINY["num_hidden_layers"],
        "num_negatives": 100, "proj_codevector_dim": 256, "transformers_version": "4.7.0.dev0",
        "vocab_size": TINY["vocab_size"],
    }


def preprocessor_config(stable):
    return {
        "do_normalize": True, "feature_extractor_type": "Wav2Vec2FeatureExtractor", "feature_size": 1,
        "padding_side": "right", "padding_value": 0.0, "return_attention_mask": stable,
        "sampling_rate": SAMPLE_RATE,
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_safetensors(path, tensors, metadata, dtype):
    """safetensors: u64 little-endian header length, JSON header (space-padded to a multiple of 8),
    then the raw little-endian tensor bytes in header order."""
    torch_dtype = {"F32": torch.float32, "F16": torch.float16}[dtype]
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        blob = tensor.detach().to(torch_dtype).contiguous().numpy().astype(
            "<f4" if dtype == "F32" else "<f2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for blob in blobs:
            f.write(blob)


# ---------------------------------------------------------------- random weights and input

def random_hf_weights(norm, conv_bias, stable, seed):
    """Random float64 weights under HF names, scaled so activations stay O(1) and logits are spread.
    Norm weights are 1 +- 0.1 and biases nonzero so that norm-parameter gradients are not trivial."""
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, std=1.0, mean=0.0):
        return mean + std * torch.randn(*shape, generator=g, dtype=torch.float64)

    def norm_params(prefix, n):
        w[prefix + ".weight"] = normal(n, std=0.1, mean=1.0)
        w[prefix + ".bias"] = normal(n, std=0.1)

    def linear(prefix, n_out, n_in, gain=1.0):
        w[prefix + ".weight"] = normal(n_out, n_in, std=gain / math.sqrt(n_in))
        w[prefix + ".bias"] = normal(n_out, std=0.1)

    w = {}
    hidden, inner, vocab = TINY["hidden_size"], TINY["intermediate_size"], TINY["vocab_size"]
    in_ch = 1
    for i, (out_ch, k) in enumerate(zip(TINY["conv_dim"], TINY["conv_kernel"])):
        p = f"wav2vec2.feature_extractor.conv_layers.{i}"
        # He-style scale for the GELU stack (there is no norm after layer 0 in the group-norm layout).
        w[p + ".conv.weight"] = normal(out_ch, in_ch, k, std=math.sqrt(2.0 / (in_ch * k)))
        if conv_bias:
            w[p + ".conv.bias"] = normal(out_ch, std=0.1)
        if norm == "layer" or i == 0:
            norm_params(p + ".layer_norm", out_ch)
        in_ch = out_ch
    norm_params("wav2vec2.feature_projection.layer_norm", in_ch)
    linear("wav2vec2.feature_projection.projection", hidden, in_ch)

    k, groups = TINY["num_conv_pos_embeddings"], TINY["num_conv_pos_embedding_groups"]
    fan_in = hidden // groups * k
    pos = "wav2vec2.encoder.pos_conv_embed.conv"
    w[pos + ".weight_v"] = normal(hidden, hidden // groups, k)
    # weight = g * v / ||v||, the norm taken per kernel tap over hidden x hidden/groups elements;
    # this g gives effective weights of std ~ 1/sqrt(fan_in).
    w[pos + ".weight_g"] = normal(1, 1, k, std=0.1, mean=1.0) * math.sqrt(hidden * (hidden // groups) / fan_in)
    w[pos + ".bias"] = normal(hidden, std=0.1)
    norm_params("wav2vec2.encoder.layer_norm", hidden)
    for l in range(TINY["num_hidden_layers"]):
        p = f"wav2vec2.encoder.layers.{l}"
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            linear(f"{p}.attention.{proj}", hidden, hidden)
        norm_params(p + ".layer_norm", hidden)
        linear(p + ".feed_forward.intermediate_dense", inner, hidden)
        linear(p + ".feed_forward.output_dense", hidden, inner)
        norm_params(p + ".final_layer_norm", hidden)
    linear("lm_head", vocab, hidden, gain=2.0)
    w["wav2vec2.masked_spec_embed"] = normal(hidden).abs()  # HF draws it uniform in [0, 1)
    return w


def make_input():
    """1.0 s of deterministic speech-like audio: harmonics with a syllable-rate envelope plus noise,
    normalised like Wav2Vec2FeatureExtractor: (x - mean) / sqrt(var + 1e-7), rounded to float32."""
    g = torch.Generator().manual_seed(1234)
    t = torch.arange(SAMPLE_RATE, dtype=torch.float64) / SAMPLE_RATE
    pitch = 140.0 + 30.0 * torch.sin(2 * math.pi * 1.5 * t)
    phase = 2 * math.pi * torch.cumsum(pitch, 0) / SAMPLE_RATE
    voiced = sum(torch.sin(h * phase) / h for h in range(1, 6))
    envelope = 0.5 + 0.5 * torch.sin(2 * math.pi * 4.0 * t) ** 2
    x = 0.3 * envelope * voiced + 0.05 * torch.randn(SAMPLE_RATE, generator=g, dtype=torch.float64)
    x = (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)
    return x.float().double()


# ---------------------------------------------------------------- torchaudio model

HF_TO_TORCHAUDIO_PREFIX = [
    ("wav2vec2.feature_extractor.", "feature_extractor."),
    ("wav2vec2.feature_projection.", "encoder.feature_projection."),
    ("wav2vec2.encoder.", "encoder.transformer."),
    ("lm_head.", "aux."),
]


def torchaudio_name(hf_name):
    """torchaudio module path for an HF parameter name, or None when torchaudio has no counterpart."""
    for hf_prefix, ta_prefix in HF_TO_TORCHAUDIO_PREFIX:
        if hf_name.startswith(hf_prefix):
            return ta_prefix + hf_name[len(hf_prefix):]
    return None


def torchaudio_model(norm, conv_bias, stable, hf_weights):
    """torchaudio wav2vec2 in float64, eval mode, loaded strictly from the HF-named weights."""
    model = torchaudio.models.wav2vec2_model(
        extractor_mode=f"{norm}_norm",
        extractor_conv_layer_config=list(zip(TINY["conv_dim"], TINY["conv_kernel"], TINY["conv_stride"])),
        extractor_conv_bias=conv_bias,
        encoder_embed_dim=TINY["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=TINY["num_conv_pos_embeddings"],
        encoder_pos_conv_groups=TINY["num_conv_pos_embedding_groups"],
        encoder_num_layers=TINY["num_hidden_layers"], encoder_num_heads=TINY["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=TINY["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=stable,
        encoder_layer_drop=0.0, aux_num_out=TINY["vocab_size"],
    ).double().eval()
    state = {torchaudio_name(n): t.clone() for n, t in hf_weights.items() if torchaudio_name(n) is not None}
    model.load_state_dict(state, strict=True)
    return model


# ---------------------------------------------------------------- independent check of the mapping

def hf_forward_port(norm, stable, w, audio):
    """A direct float64 port of HF Wav2Vec2ForCTC inference on HF-named weights (no torchaudio)."""
    eps = 1e-5

    def layer_norm(x, prefix):
        return F.layer_norm(x, x.shape[-1:], w[prefix + ".weight"], w[prefix + ".bias"], eps)

    def linear(x, prefix):
        return x @ w[prefix + ".weight"].t() + w[prefix + ".bias"]

    x = audio[None, None, :]
    for i, stride in enumerate(TINY["conv_stride"]):
        p = f"wav2vec2.feature_extractor.conv_layers.{i}"
        x = F.conv1d(x, w[p + ".conv.weight"], w.get(p + ".conv.bias"), stride=stride)
        if norm == "group" and i == 0:  # GroupNorm with one channel per group: per-channel over time
            x = F.group_norm(x, x.shape[1], w[p + ".layer_norm.weight"], w[p + ".layer_norm.bias"], eps)
        elif norm == "layer":  # LayerNorm over channels, per frame
            x = layer_norm(x.transpose(1, 2), p + ".layer_norm").transpose(1, 2)
        x = F.gelu(x)
    x = x[0].t()  # [T, C]
    x = linear(layer_norm(x, "wav2vec2.feature_projection.layer_norm"), "wav2vec2.feature_projection.projection")

    pos = "wav2vec2.encoder.pos_conv_embed.conv"
    v, g = w[pos + ".weight_v"], w[pos + ".weight_g"]
    kernel = g * v / v.pow(2).sum(dim=(0, 1), keepdim=True).sqrt()
    k = kernel.shape[-1]
    y = F.conv1d(x.t()[None], kernel, w[pos + ".bias"], padding=k // 2,
                 groups=TINY["num_conv_pos_embedding_groups"])[0]
    if k % 2 == 0:
        y = y[:, :-1]
    x = x + F.gelu(y).t()
    if not stable:
        x = layer_norm(x, "wav2vec2.encoder.layer_norm")

    heads = TINY["num_attention_heads"]
    frames, hidden = x.shape
    head_dim = hidden // heads

    def attention(h, p):
        q = (linear(h, p + ".q_proj") * head_dim ** -0.5).view(frames, heads, head_dim).transpose(0, 1)
        kk = linear(h, p + ".k_proj").view(frames, heads, head_dim).transpose(0, 1)
        vv = linear(h, p + ".v_proj").view(frames, heads, head_dim).transpose(0, 1)
        out = (q @ kk.transpose(1, 2)).softmax(dim=-1) @ vv
        return linear(out.transpose(0, 1).reshape(frames, hidden), p + ".out_proj")

    def feed_forward(h, p):
        return linear(F.gelu(linear(h, p + ".intermediate_dense")), p + ".output_dense")

    for l in range(TINY["num_hidden_layers"]):
        p = f"wav2vec2.encoder.layers.{l}"
        if stable:
            x = x + attention(layer_norm(x, p + ".layer_norm"), p + ".attention")
            x = x + feed_forward(layer_norm(x, p + ".final_layer_norm"), p + ".feed_forward")
        else:
            x = layer_norm(x + attention(x, p + ".attention"), p + ".layer_norm")
            x = layer_norm(x + feed_forward(x, p + ".feed_forward"), p + ".final_layer_norm")
    if stable:
        x = layer_norm(x, "wav2vec2.encoder.layer_norm")
    return linear(x, "lm_head")


# ---------------------------------------------------------------- golden computation

def logits_of(model, audio):
    return model(audio[None])[0][0]  # [T, vocab]


def blank_margin(logits):
    """Smallest |blank logit - best non-blank logit| over frames."""
    return (logits[:, 0] - logits[:, 1:].max(dim=-1).values).abs().min().item()


def check(condition, message):
    if not condition:
        raise SystemExit(f"make_golden: FAILED: {message}")


def calibrate_blank_bias(norm, conv_bias, stable, weights, audio):
    """Shift the blank logit so that some frames decode to blank and the rest do not (the non-blank
    mask of EM then matters), putting the threshold in the widest gap between frames' blank deficits
    so that no frame sits near the decision boundary."""
    with torch.no_grad():
        logits = logits_of(torchaudio_model(norm, conv_bias, stable, weights), audio)
    deficit = (logits[:, 1:].max(dim=-1).values - logits[:, 0]).sort().values
    lo, hi = len(deficit) // 4, 3 * len(deficit) // 4  # keep between a quarter and three quarters blank
    widest = max(range(lo, hi), key=lambda i: deficit[i + 1] - deficit[i])
    weights["lm_head.bias"][0] += (deficit[widest] + deficit[widest + 1]) / 2


def make_model(name, norm, conv_bias, stable, dtype, seed, audio):
    weights = random_hf_weights(norm, conv_bias, stable, seed)
    calibrate_blank_bias(norm, conv_bias, stable, weights, audio)
    # The golden is the float64 result of exactly the weights in the file, i.e. rounded to its dtype.
    stored = {"F32": torch.float32, "F16": torch.float16}[dtype]
    weights = {n: t.to(stored).double() for n, t in weights.items()}
    model = torchaudio_model(norm, conv_bias, stable, weights)
    hf_to_ta = {n: torchaudio_name(n) for n in weights}
    ta_params = dict(model.named_parameters())

    # Forward, cross-checked against the independent port of the HF semantics.
    with torch.no_grad():
        logits = logits_of(model, audio)
        port = hf_forward_port(norm, stable, weights, audio)
    diff = (logits - port).abs().max().item()
    check(diff < 1e-10, f"{name}: torchaudio and the HF port disagree by {diff:.3e}")
    frames = logits.shape[0]
    non_blank = int((logits.argmax(dim=-1) != 0).sum())
    check(0 < non_blank < frames, f"{name}: {non_blank}/{frames} non-blank frames; want a mix")
    check(logits.std().item() > 0.5, f"{name}: logits nearly constant")

    # SUTA loss and its gradient for every parameter.
    model.zero_grad()
    loss = suta_loss(logits_of(model, audio))
    loss.backward()
    grads = {}
    for hf_name, ta_name in hf_to_ta.items():
        grad = ta_params[ta_name].grad if ta_name is not None else None
        grads["grad." + hf_name] = grad.clone() if grad is not None else torch.zeros_like(weights[hf_name])
    model.zero_grad()

    # 10 SUTA steps with AdamW on the SUTA trainable set, recording the loss before each step and after.
    trainable = suta_trainable_parameters(model)
    ta_to_hf = {ta: hf for hf, ta in hf_to_ta.items() if ta is not None}
    trainable_hf = [ta_to_hf[ta] for ta in trainable]
    optimizer = torch.optim.AdamW(list(trainable.values()), lr=TRAJECTORY_LR, betas=ADAM_BETAS,
                                  eps=ADAM_EPS, weight_decay=0.0)
    losses = []
    margins = []
    for _ in range(TRAJECTORY_STEPS):
        step_logits = logits_of(model, audio)
        margins.append(blank_margin(step_logits.detach()))
        check(bool((step_logits.argmax(dim=-1) != 0).any()), f"{name}: every frame became blank")
        step_loss = suta_loss(step_logits)
        losses.append(step_loss.item())
        step_loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    with torch.no_grad():
        final_logits = logits_of(model, audio)
        margins.append(blank_margin(final_logits))
        losses.append(suta_loss(final_logits).item())
    check(min(margins) > MIN_BLANK_MARGIN, f"{name}: blank margin {min(margins):.2e} too small")
    check(losses[-1] < losses[0], f"{name}: SUTA loss did not decrease ({losses[0]} -> {losses[-1]})")
    final = {"trajectory.final." + ta_to_hf[ta]: p.detach().clone() for ta, p in trainable.items()}

    golden = {"input_values": audio, "logits": logits, "suta_loss": loss.detach().reshape(1)}
    golden.update(grads)
    golden["trajectory.loss"] = torch.tensor(losses, dtype=torch.float64)
    golden.update(final)
    metadata = {
        "generator": "tools/golden/make_golden.py",
        "reference": f"torchaudio {torchaudio.__version__} wav2vec2_model, torch {torch.__version__}, float64",
        "weights_dtype": dtype,
        "weight_seed": str(seed),
        "frames": str(frames),
        "non_blank_frames": str(non_blank),
        "temperature": str(TEMPERATURE),
        "em_coef": str(EM_COEF),
        "mcc_classes": str(MCC_CLASSES),
        "blank_id": "0",
        "loss": "em_coef*EM(non-blank frames) + (1-em_coef)*MCC(reweighted); see tools/golden/README.md",
        "optimizer": "torch.optim.AdamW",
        "lr": repr(TRAJECTORY_LR),
        "betas": f"{ADAM_BETAS[0]},{ADAM_BETAS[1]}",
        "eps": repr(ADAM_EPS),
        "weight_decay": "0.0",
        "steps": str(TRAJECTORY_STEPS),
        "trajectory_loss": "loss before each of the steps, then after the last step",
        "trainable": ",".join(trainable_hf),
        "min_blank_margin": f"{min(margins):.6g}",
        "gradients": "grad.<name> for every model tensor; masked_spec_embed is unused at inference, so 0",
    }

    out = os.path.join(OUT_ROOT, name)
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), hf_config(norm, conv_bias, stable))
    write_json(os.path.join(out, "vocab.json"), {token: i for i, token in enumerate(VOCAB)})
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor_config(stable))
    write_safetensors(os.path.join(out, "model.safetensors"), weights, {"format": "pt"}, dtype)
    write_safetensors(os.path.join(out, "golden.safetensors"), golden, metadata, "F32")
    print(f"{name}: T={frames} non-blank={non_blank} loss={loss.item():.6f} "
          f"trajectory {losses[0]:.6f} -> {losses[-1]:.6f} min blank margin {min(margins):.3g} "
          f"port diff {diff:.1e} logits[0,:4]={[round(v, 6) for v in logits[0, :4].tolist()]}")


def main():
    torch.set_num_threads(1)
    audio = make_input()
    for spec in MODELS:
        make_model(*spec, audio)


if __name__ == "__main__":
    main()
