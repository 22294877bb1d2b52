"""The three model families. Each training network takes raw (un-normalised) inputs: the
normaliser is part of the network, so it is part of the exported graph too.

Export wrappers (`RecurrentStep`, `WindowScorer`) turn a trained network into the exact
function the Java operator calls: they share the trained parameters (no copies), so the
ONNX initialisers keep the PyTorch parameter names and `recheck.py` can rebuild the network
from the .onnx file alone.
"""
import torch
from torch import nn
import torch.nn.functional as F

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
STATES = {"lstm": 2, "gru": 1, "rnn": 1}


class Normalizer(nn.Module):
    """(x - mean) / std with statistics fitted on training rows only."""

    def __init__(self, features: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))

    def fit(self, rows):
        self.mean.copy_(torch.as_tensor(rows.mean(axis=0)))
        self.std.copy_(torch.as_tensor(rows.std(axis=0)).clamp_min(1e-6))

    def forward(self, x):
        return (x - self.mean) / self.std


class HiddenNoise(nn.Module):
    """Noise injection: Gaussian noise on hidden units while training (a regulariser in the
    spirit of dropout); the identity in eval mode, so it leaves no trace in the export."""

    def __init__(self, sigma: float):
        super().__init__()
        self.sigma = sigma

    def forward(self, h):
        return h + self.sigma * torch.randn_like(h) if self.training and self.sigma > 0 else h


class RecurrentNet(nn.Module):
    """One-layer LSTM / GRU / vanilla RNN over whole per-entity sequences from a zero state
    (the operator's state for a key's first event), a logit per step."""

    def __init__(self, cell: str, features: int, hidden: int, dropout: float, noise: float):
        super().__init__()
        self.cell, self.hidden = cell, hidden
        self.norm = Normalizer(features)
        self.rnn = CELLS[cell](features, hidden, batch_first=True)
        self.noise = HiddenNoise(noise)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, state=None):  # x [B, S, F] -> logits [B, S], final state
        h, state = self.rnn(self.norm(x), state)
        return self.head(self.drop(self.noise(h))).squeeze(-1), state


class RecurrentStep(nn.Module):
    """One step of a trained RecurrentNet, written out with explicit gate arithmetic so the
    ONNX graph is plain Gemm / Sigmoid / Tanh (no TracerWarnings, readable by any runtime).
    Gate layouts follow torch.nn: LSTM (i, f, g, o), GRU (r, z, n)."""

    def __init__(self, net: RecurrentNet):
        super().__init__()
        self.net = net
        self.n_states = STATES[net.cell]

    def forward(self, x, *states):  # x [B, F], states [B, H] -> score [B], states [B, H]
        r = self.net.rnn
        xn = self.net.norm(x)
        gi = F.linear(xn, r.weight_ih_l0, r.bias_ih_l0)
        gh = F.linear(states[0], r.weight_hh_l0, r.bias_hh_l0)
        if self.net.cell == "lstm":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            c = torch.sigmoid(f) * states[1] + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            new_states = (h, c)
        elif self.net.cell == "gru":
            ir, iz, in_ = gi.chunk(3, dim=1)
            hr, hz, hn = gh.chunk(3, dim=1)
            rg, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            n = torch.tanh(in_ + rg * hn)
            h = (1 - z) * n + z * states[0]
            new_states = (h,)
        else:
            h = torch.tanh(gi + gh)
            new_states = (h,)
        score = torch.sigmoid(self.net.head(h)).squeeze(-1)
        return (score,) + new_states


class CNNNet(nn.Module):
    """1-D CNN over the last T events: two convolutions with kernels shared over time (local
    patterns anywhere in the window). The head sees the conv features at the newest event, the
    one being scored and labelled, next to the window's average- and max-pooled features (its
    recent normal): pooling alone would lose where in the window a pattern sits."""

    def __init__(self, features: int, channels: int, dropout: float, noise: float, kernel: int = 3):
        super().__init__()
        self.norm = Normalizer(features)
        self.conv1 = nn.Conv1d(features, channels, kernel, padding=kernel // 2)
        self.conv2 = nn.Conv1d(channels, channels, kernel, padding=kernel // 2)
        self.noise = HiddenNoise(noise)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(3 * channels, 1)

    def forward(self, w):  # w [B, T, F] -> logits [B]
        z = self.norm(w).transpose(1, 2)  # [B, F, T]: features are the conv channels
        z = F.relu(self.conv2(F.relu(self.conv1(z))))
        z = torch.cat([z[:, :, -1], z.mean(dim=2), z.amax(dim=2)], dim=1)
        return self.head(self.drop(self.noise(z))).squeeze(-1)

    def score(self, w):
        return torch.sigmoid(self(w))


class AutoEncoder(nn.Module):
    """Dense autoencoder over the flattened, normalised window with a narrow bottleneck.
    Trained to reconstruct normal windows; its anomaly score is the reconstruction MSE of the
    window's newest event, the event being scored (an anomaly a few steps back in the window
    would otherwise keep raising the score of the normal events after it)."""

    def __init__(self, features: int, window: int, hidden: int, bottleneck: int, dropout: float):
        super().__init__()
        d = features * window
        self.norm = Normalizer(features)
        self.encoder = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Dropout(dropout),
                                     nn.Linear(hidden, bottleneck), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(bottleneck, hidden), nn.ReLU(), nn.Linear(hidden, d))

    def forward(self, w):  # w [B, T, F] -> (normalised input, reconstruction), both [B, T, F]
        z = self.norm(w)
        return z, self.decoder(self.encoder(z.flatten(1))).view_as(z)

    def score(self, w):
        z, rec = self(w)
        return ((rec[:, -1, :] - z[:, -1, :]) ** 2).mean(dim=1)


class WindowScorer(nn.Module):
    """Export wrapper: window [B, T, F] -> score [B] (probability or reconstruction error)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, window):
        return self.net.score(window)
