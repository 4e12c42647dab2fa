#!/usr/bin/env python3
"""Golden CTC losses and logit gradients from PyTorch, for tta-stream's Java CtcLoss.

Each case: random float32 logits z [T, C], a target, and from torch.nn.functional.ctc_loss
(reduction='sum', in float64, over log_softmax(z)) the loss and d loss / d z by autograd.

Run with Debian's Python (python3-torch):
    /usr/bin/python3 tools/golden/ctc_golden.py adaptation/src/test/resources/golden-ctc/cases.txt

File format, one case after another:
    case <name> <T> <C> <blank> <zero_infinity 0|1>
    targets <ids...>
    logits <T*C floats, row-major>
    loss <float64 or inf>
    grad <T*C float64, row-major>
"""
import sys

import torch
import torch.nn.functional as F

CASES = [
    # name, T, C, blank, target, zero_infinity
    ("wav2vec2_sized", 24, 32, 0, [11, 5, 15, 15, 8, 4, 18, 8, 13, 15, 14], False),
    ("repeats_tight", 9, 5, 0, [1, 1, 2, 2, 3], False),  # needs exactly 5 + 2 repeats = 7 frames of 9
    ("blank_last", 12, 6, 5, [0, 3, 3, 1], False),
    ("empty_target", 7, 4, 0, [], False),
    ("unreachable_zeroed", 3, 4, 0, [2, 2, 2], True),  # needs 5 frames
]


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def main(path):
    generator = torch.Generator().manual_seed(20240611)
    with open(path, "w") as out:
        for name, frames, classes, blank, target, zero_infinity in CASES:
            logits32 = 3 * torch.randn(frames, classes, generator=generator, dtype=torch.float32)
            z = logits32.to(torch.float64).requires_grad_()
            log_probs = z.log_softmax(-1).unsqueeze(1)  # [T, batch=1, C]
            loss = F.ctc_loss(log_probs, torch.tensor([target], dtype=torch.long).reshape(1, -1),
                              [frames], [len(target)], blank=blank, reduction="sum",
                              zero_infinity=zero_infinity)
            loss.backward()
            out.write(f"case {name} {frames} {classes} {blank} {int(zero_infinity)}\n")
            out.write("targets " + " ".join(str(t) for t in target) + "\n")
            out.write("logits " + fmt(logits32.flatten().tolist()) + "\n")
            out.write("loss " + repr(loss.item()) + "\n")
            out.write("grad " + fmt(z.grad.flatten().tolist()) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
