"""The TCN's two forms (vigil_models/tcn.py): the step form, iterated event by event from zero
buffers, scores every full window exactly as the window form does — the claim that lets
`vigil bench --large-models` use the step form in place of a window CNN.

    /usr/bin/python3 -m unittest discover -s models/tests
"""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from vigil_models.tcn import TCN, TCNStep, dilations_for  # noqa: E402


def step_scores(step: TCNStep, x: torch.Tensor) -> torch.Tensor:
    """x [B,S,F] -> the step form's score after each event [B,S], buffers fed back."""
    states, scores = step.zero_states(x.shape[0]), []
    for t in range(x.shape[1]):
        score, *states = step(x[:, t], *states)
        scores.append(score)
    return torch.stack(scores, 1)


class TcnStepMatchesWindow(unittest.TestCase):

    def check(self, window: int, kernel: int, channels: int = 24, features: int = 5, keys: int = 3, events: int = 50):
        torch.manual_seed(window * 10 + kernel)
        net = TCN(features, channels, window, kernel).eval()
        # Biases of this size keep both ReLU sides in play (the default init leaves most units active).
        for conv in net.convs:
            torch.nn.init.normal_(conv.bias, std=0.5)
        x = 3 * torch.randn(keys, events, features)
        with torch.no_grad():
            got = step_scores(TCNStep(net), x)
            for t in range(window - 1, events):
                want = net.window(x[:, t - window + 1:t + 1])
                diff = float((got[:, t] - want).abs().max())
                self.assertLessEqual(diff, 1e-5, f"window ending at event {t}: step and window forms differ by {diff}")
            # The scores are not constant: equal forms of a dead network would prove nothing.
            self.assertGreater(float(got[:, window - 1:].std()), 1e-3)

    def test_shipped_window_kernel_2(self):
        self.check(window=16, kernel=2)

    def test_receptive_field_not_a_power_of_two_kernel_3(self):
        self.check(window=21, kernel=3)

    def test_a_changed_old_event_changes_the_score_until_it_leaves_the_window(self):
        torch.manual_seed(1)
        net = TCN(4, 16, 16).eval()
        x = torch.randn(1, 40, 4)
        y = x.clone()
        y[0, 10] += 5.0
        with torch.no_grad():
            a, b = step_scores(TCNStep(net), x), step_scores(TCNStep(net), y)
        moved = (a - b).abs()[0] > 1e-6
        self.assertTrue(bool(moved[10:26].all()), "event 10 is inside the windows ending at events 10..25")
        self.assertFalse(bool(moved[26:].any()), "event 10 is outside the windows ending after event 25")

    def test_dilations_cover_the_window_exactly(self):
        self.assertEqual(dilations_for(16), [8, 4, 2, 1])
        self.assertEqual(dilations_for(32), [16, 8, 4, 2, 1])
        self.assertEqual(dilations_for(20), [8, 4, 4, 2, 1])
        self.assertEqual(dilations_for(21, 3), [4, 3, 2, 1])
        with self.assertRaises(ValueError):
            dilations_for(16, 3)


if __name__ == "__main__":
    unittest.main()
