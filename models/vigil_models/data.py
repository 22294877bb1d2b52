"""CSV loading, entity splits, windows and data augmentation.

The CSV is the one the Java generator writes (or a user's own): `entity_id` and `time` are
required (time as epoch milliseconds or ISO-8601, e.g. 2014-03-01T17:34:00Z; no zone = UTC),
`event_id`, `label` and `kind` are optional, every other column is a feature unless `features`
names them (the same rules as `vigil replay`, which streams such a CSV). Rows may interleave entities; each entity's rows are put back in time
order, which is the order the streaming operator sees them in.
"""
import csv
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

RESERVED = ("entity_id", "event_id", "time", "label", "kind")


@dataclass
class Sequence:
    entity_id: str
    x: np.ndarray  # float32 [n, F], time order
    y: np.ndarray | None  # int8 [n] (1 = anomalous) or None when the CSV has no labels


@dataclass
class Dataset:
    feature_names: list[str]
    sequences: list[Sequence]
    sha256: str

    @property
    def labelled(self) -> bool:
        return self.sequences[0].y is not None

    def subset(self, idx) -> "Dataset":
        return Dataset(self.feature_names, [self.sequences[i] for i in idx], self.sha256)

    def rows(self) -> np.ndarray:
        return np.concatenate([s.x for s in self.sequences])

    def labels(self) -> np.ndarray:
        return np.concatenate([s.y for s in self.sequences])


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_csv(path: str, features: list[str] | None = None, max_entities: int | None = None,
             max_steps: int | None = None) -> Dataset:
    """Reads a CSV into per-entity sequences. max_entities / max_steps cut it down (quick mode)."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for required in ("entity_id", "time"):
            if required not in header:
                raise SystemExit(f"{path}: missing required column '{required}' (header: {','.join(header)})")
        names = features or [c for c in header if c not in RESERVED]
        missing = [c for c in names if c not in header]
        if missing or not names:
            raise SystemExit(f"{path}: feature columns {missing or names} not found in header {','.join(header)}")
        ent_col, time_col = header.index("entity_id"), header.index("time")
        feat_cols = [header.index(c) for c in names]
        label_col = header.index("label") if "label" in header else None
        rows: dict[str, list] = {}
        for line_no, r in enumerate(reader, start=2):
            try:
                values = [float(r[c]) for c in feat_cols]
                label = int(float(r[label_col])) if label_col is not None else 0
                rows.setdefault(r[ent_col], []).append((parse_time(r[time_col]), values, label))
            except (ValueError, IndexError) as e:
                raise SystemExit(f"{path}:{line_no}: cannot parse row ({e})")
    sequences = []
    for entity in sorted(rows)[:max_entities]:
        events = sorted(rows[entity], key=lambda e: e[0])[:max_steps]
        x = np.asarray([e[1] for e in events], dtype=np.float32)
        y = np.asarray([e[2] for e in events], dtype=np.int8) if label_col is not None else None
        sequences.append(Sequence(entity, x, y))
    return Dataset(names, sequences, file_sha256(path))


def parse_time(value: str) -> float:
    """Epoch milliseconds, or ISO-8601 (a time without zone is UTC) converted to them."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        t = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"time '{value}' is neither epoch milliseconds nor ISO-8601") from None
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp() * 1000.0


def _stratified_order(n: int, seed: int, positive) -> np.ndarray:
    """A seeded permutation of n entities in which entities with an anomaly (positive[i]) and
    those without are interleaved evenly, so any contiguous cut or round-robin fold gets its share
    of both. positive=None: a plain permutation."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    if positive is None:
        return perm
    pos = np.asarray(positive, dtype=bool)
    groups = [perm[pos[perm]], perm[~pos[perm]]]
    # Each entity's rank within its group, scaled to [0, 1): merging by it spreads both groups.
    keys = np.concatenate([(np.arange(len(g)) + 0.5) / max(len(g), 1) for g in groups])
    return np.concatenate(groups)[np.argsort(keys, kind="stable")]


def split_entities(n: int, val_fraction: float, seed: int, positive=None) -> tuple[np.ndarray, np.ndarray]:
    """Entity-level split: a key's whole history goes to one side. The generator draws every
    entity from its own random stream, so entities sharing a time range leak nothing. With
    positive (per entity: has an anomaly) the split is stratified: when two or more entities
    have anomalies, both sides get a proportional share of them (at least one each)."""
    perm = np.random.default_rng(seed).permutation(n)
    n_val = max(1, int(round(n * val_fraction)))
    if positive is None:
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])
    pos = np.asarray(positive, dtype=bool)
    p, q = perm[pos[perm]], perm[~pos[perm]]
    n_pos = min(n_val, int(np.clip(round(n_val * len(p) / n), 1, len(p) - 1))) if len(p) >= 2 else 0
    val = np.concatenate([p[:n_pos], q[:min(len(q), n_val - n_pos)]])
    return np.setdiff1d(perm, val), np.sort(val)


def kfold(n: int, k: int, seed: int, positive=None):
    """Yields (train_idx, held_out_idx) over n entities, k folds (stratified by positive, if given)."""
    order = _stratified_order(n, seed, positive)
    folds = [order[i::k] for i in range(k)]
    for i in range(k):
        yield np.sort(np.concatenate([folds[j] for j in range(k) if j != i])), np.sort(folds[i])


def has_both_classes(ds: "Dataset") -> bool:
    return ds.labelled and 0 < int(ds.labels().sum()) < len(ds.labels())


def entity_has_positive(ds: "Dataset"):
    """Per entity: has at least one anomalous row (None without labels)."""
    return [bool(s.y.any()) for s in ds.sequences] if ds.labelled else None


def windows(x: np.ndarray, t: int) -> np.ndarray:
    """[n, F] -> [n, t, F]: for every event the window of the last t events ending at it, oldest
    first. A key's first t-1 events have a short history: the window is padded by repeating
    its oldest event, which is what the streaming operator does for a young key."""
    idx = np.arange(len(x))[:, None] - (t - 1) + np.arange(t)[None, :]
    return x[np.clip(idx, 0, None)]


def dataset_windows(ds: Dataset, t: int):
    """All windows of a dataset, their label (= the label of the window's newest event) and
    whether the window holds any anomalous event (autoencoders train on clean windows only)."""
    w = np.concatenate([windows(s.x, t) for s in ds.sequences])
    if not ds.labelled:
        return w, None, np.zeros(len(w), dtype=bool)
    y = ds.labels()
    dirty = np.concatenate([windows(s.y[:, None], t)[:, :, 0].max(axis=1) for s in ds.sequences]) > 0
    return w, y, dirty


@dataclass
class Augment:
    """Training-time augmentation for the supervised models, relative to each sample's scale:
    jitter = small i.i.d. Gaussian noise on every value (sensor noise); scaling = a random
    per-sample, per-feature gain; time shift = a small random offset of where history starts.
    (Noise injection into hidden units lives in the networks, see nets.py.)"""
    jitter: float = 0.03
    scale: float = 0.05
    max_shift: int = 3

    def values(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """x: [B, T, F]. Noise is scaled by each sample's own per-feature std (scale-free)."""
        std = x.std(axis=-2, keepdims=True)
        gain = rng.normal(1.0, self.scale, size=(x.shape[0],) + (1,) * (x.ndim - 2) + (x.shape[-1],))
        noise = rng.normal(0.0, self.jitter, size=x.shape) * std
        return (x * gain + noise).astype(np.float32)

    def shift_windows(self, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Drops the oldest s (0..max_shift) events of each window and pads with its new oldest
        event: the newest (labelled) event stays put while the history's start moves."""
        out = w.copy()
        shifts = rng.integers(0, self.max_shift + 1, size=len(w))
        for s in range(1, self.max_shift + 1):
            rows = np.flatnonzero(shifts == s)
            out[rows, :s] = w[rows, s:s + 1]
        return out
