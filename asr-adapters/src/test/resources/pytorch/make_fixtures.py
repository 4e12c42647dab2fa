"""Builds the PyTorch test fixtures with real torch.save (run with a Python that has torch; 1.13 was used).

    python3 make_fixtures.py   # from this folder; rewrites tensors.bin and the two tiny-ctc-* folders

tensors.bin: a state dict exercising dtypes and strided views, with values the Java test knows by formula.
tiny-ctc-bin/ and tiny-ctc-safetensors/: the same tiny Wav2Vec2ForCTC checkpoint twice, once as
pytorch_model.bin (newer weight-norm names, no "wav2vec2." prefix, some fp16 storages, extra pretraining
tensors) and once as model.safetensors (canonical names, float32) written here by hand from the format spec.
"""
import collections
import json
import os
import struct

import torch

torch.manual_seed(0)

# ---- tensors.bin
big = torch.arange(10, dtype=torch.float32)
state = collections.OrderedDict()
state["f32"] = torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5
state["f16"] = torch.tensor([1 / 3, 0.1, -2.0, 65504.0]).half()
state["bf16"] = torch.tensor([1 / 3, -1.5]).bfloat16()
state["transposed"] = torch.arange(6, dtype=torch.float32).reshape(2, 3).t()  # stride (1, 3)
state["big"] = big
state["view"] = big[2:6]  # offset 2 into big's storage
state["i64"] = torch.arange(3)
torch.save(state, "tensors.bin")

# ---- tiny Wav2Vec2ForCTC, "layer" feature-extractor norm, stable layer norm, conv bias
config = {
    "architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2",
    "vocab_size": 5, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
    "intermediate_size": 16, "hidden_act": "gelu", "feat_extract_norm": "layer",
    "conv_dim": [4, 4], "conv_kernel": [3, 2], "conv_stride": [2, 2], "conv_bias": True,
    "num_conv_pos_embeddings": 4, "num_conv_pos_embedding_groups": 2,
    "do_stable_layer_norm": True, "layer_norm_eps": 1e-5, "pad_token_id": 0,
}
vocab = {"<pad>": 0, "|": 1, "A": 2, "B": 3, "'": 4}
H, F, C = 8, 16, 4
shapes = collections.OrderedDict()
for i, k in enumerate(config["conv_kernel"]):
    p = f"wav2vec2.feature_extractor.conv_layers.{i}."
    shapes[p + "conv.weight"] = (C, 1 if i == 0 else C, k)
    shapes[p + "conv.bias"] = (C,)
    shapes[p + "layer_norm.weight"] = (C,)
    shapes[p + "layer_norm.bias"] = (C,)
shapes["wav2vec2.feature_projection.layer_norm.weight"] = (C,)
shapes["wav2vec2.feature_projection.layer_norm.bias"] = (C,)
shapes["wav2vec2.feature_projection.projection.weight"] = (H, C)
shapes["wav2vec2.feature_projection.projection.bias"] = (H,)
shapes["wav2vec2.encoder.pos_conv_embed.conv.weight_g"] = (1, 1, 4)
shapes["wav2vec2.encoder.pos_conv_embed.conv.weight_v"] = (H, H // 2, 4)
shapes["wav2vec2.encoder.pos_conv_embed.conv.bias"] = (H,)
shapes["wav2vec2.encoder.layer_norm.weight"] = (H,)
shapes["wav2vec2.encoder.layer_norm.bias"] = (H,)
p = "wav2vec2.encoder.layers.0."
for proj in ["q_proj", "k_proj", "v_proj", "out_proj"]:
    shapes[p + f"attention.{proj}.weight"] = (H, H)
    shapes[p + f"attention.{proj}.bias"] = (H,)
shapes[p + "layer_norm.weight"] = (H,)
shapes[p + "layer_norm.bias"] = (H,)
shapes[p + "feed_forward.intermediate_dense.weight"] = (F, H)
shapes[p + "feed_forward.intermediate_dense.bias"] = (F,)
shapes[p + "feed_forward.output_dense.weight"] = (H, F)
shapes[p + "feed_forward.output_dense.bias"] = (H,)
shapes[p + "final_layer_norm.weight"] = (H,)
shapes[p + "final_layer_norm.bias"] = (H,)
shapes["lm_head.weight"] = (5, H)
shapes["lm_head.bias"] = (5,)

# Values exactly representable in fp16, so both copies hold the same numbers.
canonical = collections.OrderedDict(
    (name, (torch.randn(shape) * 64).round() / 64) for name, shape in shapes.items())


def write_dir(folder):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump(vocab, f)


write_dir("tiny-ctc-bin")
stored = collections.OrderedDict()
for name, value in canonical.items():
    name = name.replace("conv.weight_g", "conv.parametrizations.weight.original0")
    name = name.replace("conv.weight_v", "conv.parametrizations.weight.original1")
    if name.startswith("wav2vec2."):
        name = name[len("wav2vec2."):]
    stored[name] = value.half() if "intermediate_dense" in name else value
stored["quantizer.codevectors"] = torch.randn(1, 4, 2)
stored["project_hid.weight"] = torch.randn(2, H)
stored["quantizer.step_count"] = torch.tensor([7])  # int64: fine, because it is never read
torch.save(stored, "tiny-ctc-bin/pytorch_model.bin")

write_dir("tiny-ctc-safetensors")
header, blobs, offset = {}, [], 0
for name, value in canonical.items():
    blob = value.contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(blob)]}
    blobs.append(blob)
    offset += len(blob)
header_bytes = json.dumps(header).encode()
with open("tiny-ctc-safetensors/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header_bytes)))
    f.write(header_bytes)
    f.write(b"".join(blobs))
