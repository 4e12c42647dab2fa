"""SUTA loss and trainable-parameter choice in PyTorch, shared by the golden-data
generator (tools/golden/make_golden.py) and the PyTorch benchmark (tools/bench).

Written from the reference repositories' semantics as summarised in
/work/shared/ALGORITHM-NOTES.md section 1 (SUTA, Lin et al. 2022; Dynamic-SUTA).
"""
import torch
from torch import nn

TEMPERATURE = 2.5
EM_COEF = 0.3
MCC_CLASSES = 32  # the reference hard-codes C = 32 in the MCC normalisation
BLANK_ID = 0


def suta_loss(logits: torch.Tensor) -> torch.Tensor:
    """SUTA loss for one utterance, logits [T, C]: 0.3 * EM(non-blank frames) + 0.7 * reweighted MCC."""
    scaled = logits / TEMPERATURE
    probs = scaled.softmax(dim=-1)
    entropy = -(probs * scaled.log_softmax(dim=-1)).sum(dim=-1)  # [T]

    # Entropy minimisation over the frames whose greedy label is not blank; 0 when every frame is blank.
    non_blank = logits.argmax(dim=-1) != BLANK_ID
    em = entropy[non_blank].mean() if bool(non_blank.any()) else logits.new_zeros(())

    # Minimum class confusion: frames weighted by confidence (weights carry no gradient), mean weight 1.
    frames = logits.shape[0]
    weight = 1.0 + torch.exp(-entropy.detach())
    weight = frames * weight / weight.sum()
    confusion = probs.t() @ (weight[:, None] * probs)  # [C, C]
    confusion = confusion / confusion.sum(dim=1, keepdim=True)
    mcc = (confusion.sum() - confusion.trace()) / MCC_CLASSES

    return EM_COEF * em + (1.0 - EM_COEF) * mcc


def suta_trainable_parameters(model: nn.Module) -> dict:
    """SUTA's trained set on a torchaudio Wav2Vec2Model: every LayerNorm/GroupNorm affine parameter plus
    all of the conv feature extractor and the feature projection, each tensor once (the reference lists
    some tensors several times; we deliberately do not). Returns {torchaudio name: parameter}."""
    chosen = {}
    for module_name, module in model.named_modules():
        is_norm = isinstance(module, (nn.LayerNorm, nn.GroupNorm))
        in_front_end = module_name.startswith(("feature_extractor", "encoder.feature_projection"))
        if is_norm or in_front_end:
            for param_name, param in module.named_parameters(recurse=False):
                chosen[f"{module_name}.{param_name}"] = param
    return chosen
