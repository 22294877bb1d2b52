"""recheck.rebuild (used by recheck.py, benchmark.py and long_horizon.py) must rebuild each
shipped .onnx file as the network that was exported, or refuse: a file scored by a network of
another code version gives wrong numbers silently (the window models' files predate per-window
normalisation and carry their global mean / std).

    /usr/bin/python3 -m unittest discover -s models/tests
"""
import json
import os
import sys
import unittest

import onnx
from onnx import numpy_helper
import torch

MODELS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODELS)
from recheck import rebuild  # noqa: E402


class RebuildTest(unittest.TestCase):

    def test_every_shipped_model_rebuilds_to_its_export_time_outputs(self):
        for name in ("recurrent", "cnn", "autoencoder"):
            with self.subTest(name):
                module, _, _ = rebuild(onnx.load(os.path.join(MODELS, f"{name}.onnx")))
                with open(os.path.join(MODELS, "fixtures", f"{name}-parity.json")) as f:
                    fixture = json.load(f)
                for case in fixture["cases"]:
                    inputs = [torch.tensor(v["data"]).view(v["shape"]) for v in case["inputs"].values()]
                    with torch.no_grad():
                        out = module(*inputs)
                    out = out if isinstance(out, tuple) else (out,)
                    for got, want in zip(out, case["outputs"].values()):
                        diff = float((got - torch.tensor(want["data"]).view(want["shape"])).abs().max())
                        self.assertLessEqual(diff, fixture["tolerance"], f"{name} batch {case['batch']}")

    def test_a_file_with_weights_the_network_lacks_is_refused(self):
        model = onnx.load(os.path.join(MODELS, "cnn.onnx"))
        extra = numpy_helper.from_array(torch.zeros(3).numpy(), "net.something_new")
        model.graph.initializer.append(extra)
        with self.assertRaisesRegex(ValueError, "net.something_new"):
            rebuild(model)


if __name__ == "__main__":
    unittest.main()
