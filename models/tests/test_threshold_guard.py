"""The threshold guard of models/train.py (issue 14): a chosen threshold never flags more than
--max-alert-share of validation events, whatever rule chose it, and a model whose scores cannot
be cut below that share is refused with a message instead of being shipped.

    /usr/bin/python3 -m unittest discover -s models/tests
"""
import contextlib
import io
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import train  # noqa: E402
from vigil_models.data import Dataset, Sequence  # noqa: E402


class FixedScores:
    """A task whose model scores are given: evaluate() sees them as the model's validation scores."""

    def __init__(self, scores):
        self._scores = np.asarray(scores, dtype=np.float32)

    def scores(self, model, ds):
        return self._scores


def dataset(labels):
    y = None if labels is None else np.asarray(labels, dtype=np.int8)
    n = 1000 if y is None else len(y)
    return Dataset(["value"], [Sequence("e", np.zeros((n, 1), np.float32), y)], "sha")


def guarded(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        thr = train.guard_threshold(*args)
    return thr, out.getvalue()


class ThresholdGuardTest(unittest.TestCase):

    def test_threshold_within_the_share_is_kept(self):
        scores = np.linspace(0, 1, 1000, dtype=np.float32)
        thr, printed = guarded("autoencoder", 0.99, scores, 0.05)
        self.assertEqual(thr, 0.99)
        self.assertEqual(printed, "")

    def test_too_low_threshold_is_raised_with_a_warning(self):
        scores = np.random.default_rng(1).exponential(size=2000).astype(np.float32)
        thr, printed = guarded("autoencoder", 0.3, scores, 0.05)
        self.assertLessEqual(np.mean(scores >= thr), 0.05)
        self.assertGreater(np.mean(scores >= thr), 0.04)
        self.assertIn("WARNING autoencoder: threshold 0.3 would flag", printed)

    def test_tied_scores_cannot_hide_an_all_alert_threshold(self):
        # The case: almost every reconstruction error equal and tiny, the quantile sits on
        # the tie and flagged 99.6 % of events.
        scores = np.full(1000, 9.2e-05, dtype=np.float32)
        scores[:20] = np.linspace(1, 2, 20)
        thr, printed = guarded("autoencoder", 9.2e-05, scores, 0.05)
        self.assertLessEqual(np.mean(scores >= thr), 0.05)
        self.assertGreater(thr, 9.2e-05)
        self.assertIn("which flags 2.0%", printed)

    def test_constant_scores_are_refused_with_a_message(self):
        with self.assertRaises(SystemExit) as refused:
            guarded("autoencoder", 0.5, np.full(500, 0.5, dtype=np.float32), 0.05)
        self.assertIn("autoencoder: 100.0% of validation scores equal the top score 0.5", str(refused.exception))
        self.assertIn("not exported", str(refused.exception))

    def test_every_threshold_rule_is_guarded(self):
        """Max F1 (labelled), the quantile rule without labels and the one-class fallback."""
        rng = np.random.default_rng(2)
        ties = np.zeros(1000, dtype=np.float32)
        ties[:5] = rng.uniform(1, 2, 5)  # the 0.99 quantile sits on the tie at 0
        labels_noisy = (rng.uniform(size=1000) < 0.5).astype(np.int8)  # max F1 flags ~everything
        cases = {"labelled": (rng.uniform(size=1000), labels_noisy),
                 "unlabelled": (ties, None),
                 "one class": (ties, np.zeros(1000, np.int8))}
        for name, (scores, labels) in cases.items():
            with self.subTest(name), contextlib.redirect_stdout(io.StringIO()):
                thr, *_ = train.evaluate("autoencoder", None, FixedScores(scores), dataset(labels), None,
                                         labels is not None, alert_rate=0.01, max_share=0.05)
                self.assertLessEqual(np.mean(np.asarray(scores, np.float32) >= thr), 0.05, name)


if __name__ == "__main__":
    unittest.main()
