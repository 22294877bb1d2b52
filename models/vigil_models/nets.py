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


class RunningScale(nn.Module):
    """Per-key normalisation carried in state: an exponentially weighted running mean and
    variance per feature over the key's last ~`horizon` events (plain averages while the key
    is younger: the weight is 1/min(n+1, horizon)), so a model trained on some entities serves
    others of any scale. An event is normalised by the statistics of the events before it (an
    anomaly cannot hide itself); once warm, each update is clipped to `clip_update` standard
    deviations, so one spike cannot blow up the scale. The z-values are 0 for the first
    `warmup` events of a key (no scale yet) and clipped to +-`clip`.

    Everything is plain tensor arithmetic, so training (over sequences) and the exported step
    graph (one event at a time, the statistics fed back by the operator) compute the same."""

    def __init__(self, horizon: int = 200, warmup: int = 8, clip: float = 10.0, clip_update: float = 4.0):
        super().__init__()
        self.horizon, self.warmup, self.clip, self.clip_update = float(horizon), float(warmup), clip, clip_update

    def scale(self, mean, var):
        # A floor relative to the level keeps a flat series (or a stuck sensor) finite at any scale.
        return torch.sqrt(var + (1e-4 * mean) ** 2 + 1e-12)

    def step(self, x, n, mean, var):
        """x [B,F], n [B,1], mean/var [B,F] -> z [B,F], warm [B,1] (0/1), (n, mean, var) updated."""
        s = self.scale(mean, var)
        warm = (n >= self.warmup).float()
        z = warm * torch.clamp((x - mean) / s, -self.clip, self.clip)
        d = x - mean
        bound = warm * self.clip_update * s + (1 - warm) * d.abs()
        d = torch.maximum(torch.minimum(d, bound), -bound)
        a = 1.0 / torch.clamp(n + 1, max=self.horizon)
        mean = mean + a * d
        var = (1 - a) * (var + a * d * d)
        return z, warm, (torch.clamp(n + 1, max=self.horizon), mean, var)

    def zeros(self, b: int, f: int):
        return torch.zeros(b, 1), torch.zeros(b, f), torch.zeros(b, f)

    @torch.no_grad()
    def sequences(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B,S,F] raw -> z [B,S,F], warm [B,S]: the step applied along time from zero state."""
        n, mean, var = self.zeros(x.shape[0], x.shape[2])
        zs, ws = [], []
        for t in range(x.shape[1]):
            z, w, (n, mean, var) = self.step(x[:, t], n, mean, var)
            zs.append(z)
            ws.append(w[:, 0])
        return torch.stack(zs, 1), torch.stack(ws, 1)


class WindowScale(nn.Module):
    """Per-window normalisation for window models: each feature is centred on the median of the
    window's older events (all but the newest, the one scored) and divided by their median
    absolute deviation, so the model sees shapes, not levels or units, and its score means the
    same on every key. Median and MAD, not mean and std: an anomaly episode inside the window
    (a level shift of a few steps) moves them little, so the newest event still stands out."""

    def __init__(self, clip: float = 10.0):
        super().__init__()
        self.clip = clip

    def forward(self, w):  # [B,T,F] -> [B,T,F]
        ctx = w[:, :-1]
        k = (ctx.shape[1] - 1) // 2
        med = torch.sort(ctx, dim=1)[0][:, k:k + 1]
        mad = torch.sort((ctx - med).abs(), dim=1)[0][:, k:k + 1]
        s = 1.4826 * mad + 1e-4 * med.abs() + 1e-6
        return torch.clamp((w - med) / s, -self.clip, self.clip)


class GlobalScale(nn.Module):
    """The window models' normaliser before per-window scale (issue 14): one mean / std per
    feature over the whole training CSV, as buffers. Only for rebuilding files exported then
    (recheck.rebuild); new training uses WindowScale."""

    def __init__(self, features: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))

    def forward(self, w):
        return (w - self.mean) / self.std


class HiddenNoise(nn.Module):
    """Noise injection: Gaussian noise on hidden units while training (a regulariser in the
    spirit of dropout); the identity in eval mode, so it leaves no trace in the export."""

    def __init__(self, sigma: float):
        super().__init__()
        self.sigma = sigma

    def forward(self, h):
        return h + self.sigma * torch.randn_like(h) if self.training and self.sigma > 0 else h


class RecurrentNet(nn.Module):
    """One-layer LSTM / GRU / vanilla RNN over a key's per-key normalised events (see
    RunningScale) from a zero state. Two heads:
    - "classifier" (supervised): a logit per step, score = its probability;
    - "forecaster" (no labels needed): the next event's normalised features; its score is the
      largest of the forecast error normalised by the key's own running error scale, the
      event's mean squared z-value against the key's running statistics, and the Flatline
      term (a feature that stopped moving); see RecurrentStep."""

    def __init__(self, cell: str, features: int, hidden: int, dropout: float, noise: float,
                 head: str = "classifier"):
        super().__init__()
        self.cell, self.hidden, self.features, self.head_kind = cell, hidden, features, head
        self.scale = RunningScale()
        self.rnn = CELLS[cell](features, hidden, batch_first=True)
        self.noise = HiddenNoise(noise)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, 1 if head == "classifier" else features)

    def forward(self, z, state=None):  # z [B,S,F] normalised -> [B,S] logits or [B,S,F] forecasts
        h, state = self.rnn(z, state)
        out = self.head(self.drop(self.noise(h)))
        return (out.squeeze(-1) if self.head_kind == "classifier" else out), state


class ErrorScale(nn.Module):
    """A per-key running scale for non-negative per-event quantities (the forecaster's squared
    error; the squared change between consecutive events): the key's running mean of the
    quantity (weight 1/min(n+1, horizon), updates clipped to `clip_update` times the current
    scale), so a ratio of 1 is the key's usual value and one threshold serves every key. The
    ratio is 0 until the key has `warmup` values."""

    def __init__(self, horizon: int = 200, warmup: int = 16, clip_update: float = 10.0, floor: float = 1e-3):
        super().__init__()
        self.horizon, self.warmup, self.clip_update, self.floor = float(horizon), float(warmup), clip_update, floor

    def step(self, v, active, n, scale):
        """v, scale [B,K]; active (0/1: the key's normaliser is warm), n [B,1] ->
        ratio [B,K], warm [B,1] (0/1), (n, scale) updated."""
        warm = active * (n >= self.warmup).float()
        ratio = warm * v / (scale + self.floor)
        capped = torch.minimum(v, warm * self.clip_update * (scale + self.floor) + (1 - warm) * v)
        a = active / torch.clamp(n + 1, max=self.horizon)
        return ratio, warm, (torch.clamp(n + active, max=self.horizon), scale + a * (capped - scale))


class Flatline(nn.Module):
    """How much less a key's features change than usual: per feature the squared change since
    the previous event (in the key's normalised units) over the key's running mean of it
    (ErrorScale), averaged over the last few events (weight `recent` for the newest), scored
    log(1 + 1 / (recent average + `floor`)) and maxed over features. About 0.7 while a key moves
    as it usually does, rising by ~1.9 per event while a feature does not move at all, up to
    log(1 + 1/floor) = 13.8 (a stuck sensor: invisible to a forecast error when the stuck value
    sits near the forecast). `recent` and `floor` were chosen by validation AP on the training
    CSVs, never on a test set (models/README.md)."""

    def __init__(self, recent: float = 0.85, floor: float = 1e-6):
        super().__init__()
        self.recent, self.floor = recent, floor

    def step(self, ratio, warm, recent):
        """ratio [B,F] (0 while not warm), warm [B,1], recent [B,F] -> score [B], recent updated."""
        recent = recent + self.recent * (ratio - recent)
        return (warm * torch.log1p(1 / (recent + self.floor))).amax(dim=1), recent


class RecurrentStep(nn.Module):
    """One step of a trained RecurrentNet as the operator calls it: raw event in, score out;
    the per-key normaliser's statistics, the cell state and (forecaster) the last forecast,
    the running error scale, the last event and the running change scales all travel as
    state tensors. Gate arithmetic is written out so the ONNX graph is plain Gemm / Sigmoid /
    Tanh. Gate layouts follow torch.nn: LSTM (i, f, g, o), GRU (r, z, n).

    State order: cell states (LSTM h, c; GRU / RNN h), then scale_n [1], scale_mean [F],
    scale_var [F], and for the forecaster forecast [F], error_n [1], error_scale [1],
    last_x [F], change_scale [F], change_recent [F]."""

    def __init__(self, net: RecurrentNet):
        super().__init__()
        self.net = net
        self.errors, self.flatline = ErrorScale(), Flatline()
        self.n_cell = STATES[net.cell]
        self.state_names = (["h", "c"][:self.n_cell] + ["scale_n", "scale_mean", "scale_var"]
                            + (["forecast", "error_n", "error_scale", "last_x", "change_scale", "change_recent"]
                               if net.head_kind == "forecaster" else []))
        self.n_states = len(self.state_names)

    def state_sizes(self):
        f, h = self.net.features, self.net.hidden
        sizes = {"h": h, "c": h, "scale_n": 1, "scale_mean": f, "scale_var": f, "forecast": f, "error_n": 1,
                 "error_scale": 1, "last_x": f, "change_scale": f, "change_recent": f}
        return [sizes[n] for n in self.state_names]

    def zero_states(self, b: int):
        return tuple(torch.zeros(b, k) for k in self.state_sizes())

    def cell(self, z, states):
        r = self.net.rnn
        gi = F.linear(z, r.weight_ih_l0, r.bias_ih_l0)
        gh = F.linear(states[0], r.weight_hh_l0, r.bias_hh_l0)
        if self.net.cell == "lstm":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            c = torch.sigmoid(f) * states[1] + torch.sigmoid(i) * torch.tanh(g)
            return (torch.sigmoid(o) * torch.tanh(c), c)
        if self.net.cell == "gru":
            ir, iz, in_ = gi.chunk(3, dim=1)
            hr, hz, hn = gh.chunk(3, dim=1)
            rg, zg = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
            n = torch.tanh(in_ + rg * hn)
            return ((1 - zg) * n + zg * states[0],)
        return (torch.tanh(gi + gh),)

    def forward(self, x, *states):  # x [B,F], states -> score [B], new states
        k = self.n_cell
        z, warm, scale_states = self.net.scale.step(x, *states[k:k + 3])
        cell_states = self.cell(z, states[:k])
        out = self.net.head(cell_states[0])
        if self.net.head_kind == "classifier":
            return (torch.sigmoid(out).squeeze(-1),) + cell_states + scale_states
        forecast, err_n, err_scale, last_x, change_scale, change_recent = states[k + 3:]
        # The forecast made at the previous event is judged against this one, in its units.
        err = warm * ((z - forecast) ** 2).mean(dim=1, keepdim=True)
        score, warm_err, (n, err_scale) = self.errors.step(err, warm, err_n, err_scale)
        # Also how far the event sits from the key's own running normal (mean z², 1 on average):
        # a level shift stays visible for its whole episode, when the forecast has already
        # followed it. And whether a feature has stopped moving (Flatline). Every term is in
        # the key's own units, so the score transfers.
        change = warm * ((x - last_x) / self.net.scale.scale(*states[k + 1:k + 3])) ** 2
        change_ratio, _, (_, change_scale) = self.errors.step(change, warm, err_n, change_scale)
        flat, change_recent = self.flatline.step(change_ratio, warm_err, change_recent)
        score = torch.maximum(torch.maximum(score.squeeze(-1), (z * z).mean(dim=1)), flat)
        return (score,) + cell_states + scale_states + (out, n, err_scale, x, change_scale, change_recent)


class CNNNet(nn.Module):
    """1-D CNN over the last T events: two convolutions with kernels shared over time (local
    patterns anywhere in the window). The head sees the conv features at the newest event, the
    one being scored and labelled, next to the window's average- and max-pooled features (its
    recent normal): pooling alone would lose where in the window a pattern sits."""

    def __init__(self, features: int, channels: int, dropout: float, noise: float, kernel: int = 3):
        super().__init__()
        self.norm = WindowScale()
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
        self.norm = WindowScale()
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
