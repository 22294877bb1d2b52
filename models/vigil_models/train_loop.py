"""Training: one generic loop (Adam with L2 weight decay, exponentially decaying learning
rate, early stopping on validation loss with patience and restore-best) driven by a small
task object per model family, and K-fold cross-validation over a hyper-parameter grid."""
import copy
import itertools
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import average_precision_score

from .data import Augment, Dataset, dataset_windows, entity_has_positive, has_both_classes, kfold


@dataclass
class FitConfig:
    lr: float = 5e-3
    gamma: float = 0.95  # ExponentialLR: lr_e = lr * gamma**e
    max_epochs: int = 40
    patience: int = 5
    weight_decay: float = 0.0  # set per candidate from the grid


def fit(model, task, train, val, cfg: FitConfig, rng: np.random.Generator) -> dict:
    """Trains in place; returns when validation loss has not improved for `patience` epochs
    (or at max_epochs) with the best epoch's weights restored."""
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg.gamma)
    best, best_state, best_epoch, stale = float("inf"), None, 0, 0
    for epoch in range(1, cfg.max_epochs + 1):
        model.train()
        for batch in task.batches(model, train, rng):
            loss = task.loss(model, batch)
            opt.zero_grad()
            loss.backward()
            # Recurrent nets over 400 steps can spike their gradients; clipping keeps Adam sane.
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        sched.step()
        v = task.val_loss(model, val)
        if v < best - 1e-6:
            best, best_state, best_epoch, stale = v, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            stale += 1
            if stale >= cfg.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return {"epochs_run": epoch, "best_epoch": best_epoch, "best_val_loss": round(best, 6)}


class RecurrentTask:
    """Whole entity sequences, each from a zero state (the operator's state for a key's first
    event), normalised per key by the net's RunningScale exactly as the exported step does.
    Truncated BPTT: a batch of sequences is walked in chunks of `chunk` steps, one optimiser
    update per chunk, the state carried (detached) from chunk to chunk exactly as the operator
    carries it from event to event. Sequences of different lengths are right-padded and masked.
    Classifier: per-step labels (BCE). Forecaster: no labels, next-event forecast in normalised
    units (Huber loss: robust to the anomalies hidden in unlabelled data). Steps of a key's
    warm-up (no scale yet) are masked out of the loss."""

    def __init__(self, augment: Augment | None, batch_size: int = 16, chunk: int = 50):
        self.augment, self.batch_size, self.chunk = augment, batch_size, chunk
        self._state = None  # carried between the chunks of one batch

    @staticmethod
    def prepare(ds: Dataset):
        from .nets import RunningScale  # the normaliser has no parameters: one pass per dataset
        lengths = [len(s.x) for s in ds.sequences]
        xb = np.stack([np.concatenate([s.x, np.repeat(s.x[-1:], max(lengths) - len(s.x), 0)]) for s in ds.sequences])
        z, warm = RunningScale().sequences(torch.from_numpy(xb))
        return [(z[i, :n].numpy(), s.y if s.y is not None else np.zeros(n, dtype=np.int8), warm[i, :n].numpy())
                for i, (s, n) in enumerate(zip(ds.sequences, lengths))]

    @staticmethod
    def _pad(seqs):
        n = max(len(z) for z, _, _ in seqs)
        zb = np.zeros((len(seqs), n, seqs[0][0].shape[1]), dtype=np.float32)
        yb = np.zeros((len(seqs), n), dtype=np.float32)
        mb = np.zeros((len(seqs), n), dtype=np.float32)
        for i, (z, y, w) in enumerate(seqs):
            zb[i, :len(z)], yb[i, :len(y)], mb[i, :len(z)] = z, y, w
        return torch.from_numpy(zb), torch.from_numpy(yb), torch.from_numpy(mb)

    def batches(self, model, data, rng):
        perm = rng.permutation(len(data))
        for a in range(0, len(data), self.batch_size):
            seqs = []
            for i in perm[a:a + self.batch_size]:
                z, y, w = data[i]
                if self.augment:
                    # Time shift: the key's history starts a few steps later.
                    o = int(rng.integers(0, self.augment.max_shift + 1))
                    z, y, w = self.augment.values(z[o:][None], rng)[0], y[o:], w[o:]
                seqs.append((z, y, w))
            z, y, m = self._pad(seqs)
            for c in range(0, z.shape[1], self.chunk):
                yield z[:, c:c + self.chunk], y[:, c:c + self.chunk], m[:, c:c + self.chunk], c == 0

    @staticmethod
    def _loss_terms(model, out, z, y, m):
        if model.head_kind == "classifier":
            return F.binary_cross_entropy_with_logits(out, y, reduction="none"), m
        # The output at step t forecasts step t+1 (within the chunk).
        per_step = F.smooth_l1_loss(out[:, :-1], z[:, 1:], reduction="none").mean(dim=2)
        return per_step, m[:, :-1] * m[:, 1:]

    def loss(self, model, batch):
        z, y, m, first = batch
        out, state = model(z, None if first else self._state)
        self._state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        per_step, mask = self._loss_terms(model, out, z, y, m)
        return (per_step * mask).sum() / mask.sum().clamp_min(1)

    def val_loss(self, model, data):
        model.eval()
        with torch.no_grad():
            total, count = 0.0, 0.0
            for a in range(0, len(data), 64):
                z, y, m = self._pad(data[a:a + 64])
                per_step, mask = self._loss_terms(model, model(z)[0], z, y, m)
                total += float((per_step * mask).sum())
                count += float(mask.sum())
        return total / max(count, 1.0)

    @staticmethod
    def scores(model, ds: Dataset) -> np.ndarray:
        from .nets import RecurrentStep
        return np.concatenate(step_scores(RecurrentStep(model), ds))


@torch.no_grad()
def step_scores(step, ds: Dataset, batch: int = 256) -> list[np.ndarray]:
    """Scores every event the way the operator does: one step at a time from zero states,
    feeding each key's states back; keys are batched (padding after a key's end is dropped)."""
    step.eval()
    out = []
    for a in range(0, len(ds.sequences), batch):
        seqs = [s.x for s in ds.sequences[a:a + batch]]
        n = max(len(x) for x in seqs)
        xb = np.zeros((len(seqs), n, seqs[0].shape[1]), dtype=np.float32)
        for i, x in enumerate(seqs):
            xb[i, :len(x)] = x
            xb[i, len(x):] = x[-1]
        xb = torch.from_numpy(xb)
        states, scores = step.zero_states(len(seqs)), []
        for t in range(n):
            score, *states = step(xb[:, t], *states)
            scores.append(score)
        sc = torch.stack(scores, 1).numpy()
        out.extend(sc[i, :len(x)] for i, x in enumerate(seqs))
    return out


class WindowTask:
    """CNN: one sample per event, the window ending at it, labelled like that event. An epoch
    draws `epoch_samples` windows at random, which bounds an epoch's cost on big CSVs."""

    def __init__(self, window: int, augment: Augment | None, batch_size: int = 256, epoch_samples: int = 20000):
        self.window, self.augment = window, augment
        self.batch_size, self.epoch_samples = batch_size, epoch_samples

    def prepare(self, ds: Dataset):
        w, y, _ = dataset_windows(ds, self.window)
        return w, y.astype(np.float32)

    def batches(self, model, data, rng):
        w, y = data
        idx = rng.permutation(len(w))[:self.epoch_samples]
        for a in range(0, len(idx), self.batch_size):
            b = idx[a:a + self.batch_size]
            wb = w[b]
            if self.augment:
                wb = self.augment.values(self.augment.shift_windows(wb, rng), rng)
            yield torch.from_numpy(wb), torch.from_numpy(y[b])

    @staticmethod
    def loss(model, batch):
        w, y = batch
        return F.binary_cross_entropy_with_logits(model(w), y)

    @staticmethod
    def val_loss(model, data):
        w, y = data
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(torch.from_numpy(w[a:a + 8192])) for a in range(0, len(w), 8192)])
        return float(F.binary_cross_entropy_with_logits(logits, torch.from_numpy(y)))

    def scores(self, model, ds: Dataset) -> np.ndarray:
        return window_scores(model, dataset_windows(ds, self.window)[0])


class AutoEncoderTask:
    """Autoencoder: trained and early-stopped on clean windows only (no anomalous event in the
    window; every window when the CSV has no labels). No augmentation: it is not supervised."""

    def __init__(self, window: int, batch_size: int = 256, epoch_samples: int = 20000):
        self.window, self.batch_size, self.epoch_samples = window, batch_size, epoch_samples

    def prepare(self, ds: Dataset):
        w, _, dirty = dataset_windows(ds, self.window)
        return w[~dirty]

    def batches(self, model, w, rng):
        idx = rng.permutation(len(w))[:self.epoch_samples]
        for a in range(0, len(idx), self.batch_size):
            yield torch.from_numpy(w[idx[a:a + self.batch_size]])

    @staticmethod
    def loss(model, w):
        z, rec = model(w)
        return F.mse_loss(rec, z)

    @staticmethod
    def val_loss(model, w):
        model.eval()
        with torch.no_grad():
            return float(np.mean([F.mse_loss(*reversed(model(torch.from_numpy(w[a:a + 8192]))))
                                  for a in range(0, len(w), 8192)]))

    def scores(self, model, ds: Dataset) -> np.ndarray:
        return window_scores(model, dataset_windows(ds, self.window)[0])


def window_scores(model, w: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return np.concatenate([model.score(torch.from_numpy(w[a:a + 8192])).numpy() for a in range(0, len(w), 8192)])


def train_one(build, task, hp: dict, train_ds: Dataset, val_ds: Dataset, cfg: FitConfig, seed: int):
    """Builds a model for hp and trains it with early stopping on val_ds (normalisation is per
    key or per window inside the net: nothing to fit). Returns (model, fit history)."""
    torch.manual_seed(seed)
    model = build(hp)
    cfg = FitConfig(**{**cfg.__dict__, "weight_decay": hp["weight_decay"]})
    hist = fit(model, task, task.prepare(train_ds), task.prepare(val_ds), cfg, np.random.default_rng(seed))
    return model, hist


def selection_score(model, task, ds: Dataset) -> float:
    """What model selection maximises: average precision (PR-AUC) on held-out labelled data;
    without labels (autoencoder on a user's CSV), or when the held-out part has one class only
    (AP is undefined there), the negated validation loss."""
    if has_both_classes(ds):
        return float(average_precision_score(ds.labels(), task.scores(model, ds)))
    return -task.val_loss(model, task.prepare(ds))


def grid(space: dict) -> list[dict]:
    keys = list(space)
    return [dict(zip(keys, values)) for values in itertools.product(*(space[k] for k in keys))]


def cross_validate(build, task, space: dict, ds: Dataset, k: int, cfg: FitConfig, seed: int, log) -> tuple[dict, list]:
    """K-fold CV by entity on the training part: each candidate is trained k times (early
    stopping on the held-out fold's loss) and scored on the held-out fold. Returns the best
    candidate and every candidate's mean / std score."""
    results = []
    for c, hp in enumerate(grid(space)):
        t0 = time.time()
        fold_scores = []
        for f, (tr, ho) in enumerate(kfold(len(ds.sequences), k, seed, entity_has_positive(ds))):
            model, _ = train_one(build, task, hp, ds.subset(tr), ds.subset(ho), cfg, seed + 100 * c + f)
            fold_scores.append(selection_score(model, task, ds.subset(ho)))
        results.append({"hparams": hp, "cv_mean": round(float(np.mean(fold_scores)), 4),
                        "cv_std": round(float(np.std(fold_scores)), 4)})
        log(f"    cv {hp}: {results[-1]['cv_mean']:.4f} ± {results[-1]['cv_std']:.4f} ({time.time() - t0:.0f}s)")
    return max(results, key=lambda r: r["cv_mean"])["hparams"], results
