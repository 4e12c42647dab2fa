"""Resamples a fixed test signal with torchaudio (0.13.1 was used) for ResamplerTest.

    python3 make_golden.py   # from this folder; rewrites golden.txt

The signal is x[i] = sin(0.37 i) + 0.5 sin(1.91 i) + 0.25 cos(2.7 i), i = 0..299, which the Java test
rebuilds. Each block of golden.txt is "from to n" then the n resampled values.
"""
import math

import torch
import torchaudio.functional as F

x = torch.tensor([math.sin(0.37 * i) + 0.5 * math.sin(1.91 * i) + 0.25 * math.cos(2.7 * i) for i in range(300)],
                 dtype=torch.float32)
with open("golden.txt", "w") as f:
    for rate in [8000, 22050, 44100, 48000]:
        y = F.resample(x, rate, 16000)  # defaults: sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99
        f.write(f"{rate} 16000 {len(y)}\n")
        f.write(" ".join(repr(float(v)) for v in y) + "\n")
