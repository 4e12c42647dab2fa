#!/usr/bin/env python3
"""The SUTA loss of a 2-frame, 3-class example by PyTorch autograd, written out the way the
reference computes it (Dynamic-SUTA src/system/loss.py and suta.py), for SutaLossTest.

Run with Debian's Python (python3-torch): /usr/bin/python3 tools/golden/suta_example.py
"""
import torch

TEMPERATURE, EM_COEF, MCC_CLASSES, BLANK = 2.5, 0.3, 3, 0
z = torch.tensor([[0.5, 2.0, -1.0], [1.5, 0.25, -0.5]], dtype=torch.float64, requires_grad=True)

x = z / TEMPERATURE
p = x.softmax(-1)
entropy = -(p * x.log_softmax(-1)).sum(-1)
non_blank = z.argmax(-1) != BLANK
em = entropy[non_blank].mean()
w = 1 + torch.exp(-entropy.detach())
w = z.shape[0] * w / w.sum()
a = (p * w.unsqueeze(-1)).t() @ p
a = a / a.sum(-1, keepdim=True)
mcc = (a.sum() - torch.trace(a)) / MCC_CLASSES
total = EM_COEF * em + (1 - EM_COEF) * mcc
total.backward()
print("em", repr(em.item()), "mcc", repr(mcc.item()), "total", repr(total.item()))
print("mean entropy", repr(entropy.mean().item()))
print("grad", [repr(g) for g in z.grad.flatten().tolist()])
