"""A causal dilated 1-D CNN (TCN) that is both a window model and a step model.

A window CNN recomputes every column of every layer for every event, so a batch across keys
cannot save it work (README, "Models of real size"). A *causal* convolution's newest output
column depends only on the newest input column and a few older ones, so it can be evaluated
incrementally: per event compute one column per layer, carrying each layer's last
(kernel − 1)·dilation inputs as per-key state. `TCN.window` and `TCNStep` are the two forms of
the same weights; `tests/test_tcn.py` and the Java `TcnStepWindowEquivalenceTest` check that
they agree on every full window.

No normaliser in the graph: a per-window one (WindowScale) changes every older column whenever
the window slides, which is what an incremental evaluation cannot redo; a trained TCN would put
the per-key RunningScale (already incremental) in front. These are benchmark models.
"""
import torch
from torch import nn
import torch.nn.functional as F


def dilations_for(window: int, kernel: int = 2) -> list[int]:
    """Dilations 1, 2, 4, ... (the last one trimmed) whose receptive field
    1 + (kernel − 1)·Σ dilations is exactly `window`, largest first: the step form buffers
    (kernel − 1)·dilation inputs of each layer, so the longest lag on the narrow first layer
    (F features) and the shortest on the wide ones halves the per-key state (256 channels,
    kernel 2, window 16: 1 856 floats instead of 3 592 for 1, 2, 4, 8). The receptive field
    and the step form's work per event do not depend on the order."""
    if window < 2 or (window - 1) % (kernel - 1):
        raise ValueError(f"window {window} is not a receptive field of kernel {kernel}")
    left, d, out = (window - 1) // (kernel - 1), 1, []
    while left:
        out.append(min(d, left))
        left -= out[-1]
        d *= 2
    return sorted(out, reverse=True)


class TCN(nn.Module):
    """Causal dilated convolutions (ReLU; a residual from the second layer on, where the channel
    counts match) and a linear head on the last layer's newest column; score = sigmoid."""

    def __init__(self, features: int, channels: int, window: int, kernel: int = 2):
        super().__init__()
        self.features, self.channels, self.kernel, self.window_len = features, channels, kernel, window
        self.dilations = dilations_for(window, kernel)
        self.convs = nn.ModuleList(nn.Conv1d(features if i == 0 else channels, channels, kernel, dilation=d)
                                   for i, d in enumerate(self.dilations))
        self.head = nn.Linear(channels, 1)

    def window(self, w):  # w [B, T, F], oldest first -> score of the newest event [B]
        z = w.transpose(1, 2)
        for i, conv in enumerate(self.convs):
            # Causal padding: every layer computes all T columns, as a TCN trained over windows
            # does. The newest column's inputs are all inside the window (receptive field =
            # window), so the padding never reaches it.
            y = F.relu(conv(F.pad(z, ((self.kernel - 1) * conv.dilation[0], 0))))
            z = y + z if i else y
        return torch.sigmoid(self.head(z[:, :, -1])).squeeze(-1)

    def score(self, w):  # the WindowScorer export wrapper calls this
        return self.window(w)


class TCNStep(nn.Module):
    """One event of a TCN as the operator calls a step model: x [B,F] and, per layer, the
    layer's last (kernel − 1)·dilation inputs, oldest first ([B, taps, C_in]) -> score [B] and
    the shifted buffers. A key's first event gets zero buffers, so its first window − 1 scores
    see zeros as its past."""

    def __init__(self, net: TCN):
        super().__init__()
        self.net = net
        self.state_names = [f"conv{i}_inputs" for i in range(len(net.dilations))]
        self.n_states = len(self.state_names)

    def state_shapes(self):
        return [((self.net.kernel - 1) * d, conv.in_channels) for d, conv in zip(self.net.dilations, self.net.convs)]

    def zero_states(self, b: int):
        return tuple(torch.zeros(b, *s) for s in self.state_shapes())

    def forward(self, x, *states):
        z, out = x, []
        for i, (conv, d, past) in enumerate(zip(self.net.convs, self.net.dilations, states)):
            # Kernel tap j reads the input (kernel − 1 − j)·d events back: buffer row j·d, the newest is z.
            taps = torch.cat([past[:, j * d] for j in range(self.net.kernel - 1)] + [z], dim=1)
            weight = conv.weight.permute(0, 2, 1).reshape(conv.out_channels, -1)  # [C_out, kernel·C_in], tap-major
            y = F.relu(F.linear(taps, weight, conv.bias))
            out.append(torch.cat([past[:, 1:], z.unsqueeze(1)], dim=1))
            z = y + z if i else y
        return (torch.sigmoid(self.net.head(z)).squeeze(-1),) + tuple(out)
