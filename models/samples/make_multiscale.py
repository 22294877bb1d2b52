#!/usr/bin/python3
"""Writes multiscale.csv: a small labelled fleet in the shape of real monitoring series (one value
per row, ISO-8601 times, anomaly episodes as labels) whose entities live on scales three orders of
magnitude apart: CPU % (~50) next to request rates (~50 000). Deterministic (seed 7).

    /usr/bin/python3 models/samples/make_multiscale.py > models/samples/multiscale.csv
"""
from datetime import datetime, timedelta, timezone

import numpy as np

rng = np.random.default_rng(7)
start = datetime(2024, 3, 1, tzinfo=timezone.utc)
STEPS, STEP = 240, timedelta(minutes=5)
print("entity_id,time,value,label")
for kind, scale, n in (("cpu", 1.0, 6), ("rps", 1000.0, 6)):
    for e in range(n):
        level = scale * rng.uniform(30, 70)
        t = np.arange(STEPS)
        x = level * (1 + 0.15 * np.sin(2 * np.pi * t / 288 + rng.uniform(0, 6.3))) + rng.normal(0, 0.04 * level, STEPS)
        y = np.zeros(STEPS, dtype=int)
        for _ in range(rng.integers(2, 4)):  # anomaly episodes: spikes or level shifts, 1-8 steps
            a = int(rng.integers(20, STEPS - 10))
            d = int(rng.integers(1, 9))
            x[a:a + d] += level * rng.choice([-1, 1]) * rng.uniform(0.4, 0.8)
            y[a:a + d] = 1
        for i in range(STEPS):
            ts = (start + i * STEP).strftime("%Y-%m-%dT%H:%M:%SZ")
            print(f"{kind}-{e:02d},{ts},{x[i]:.6g},{y[i]}")
