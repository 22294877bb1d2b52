"""Benchmark-only models of real size (random weights), so `vigil bench --large-models` shows
what cross-key batching is worth when inference, not Kafka I/O, bounds the job.

Writes, under models/bench/ (git-ignored: a few MB, regenerated in seconds), models in the
model contract (the shipped models' features and feature names, random weights, threshold 0.5):
  lstm256.onnx         step model, LSTM hidden 256
  gru256.onnx          step model, GRU hidden 256
  tcn256.onnx          step model, causal dilated CNN (TCN) with 256 channels, kernel 2, dilations
                       1, 2, 4, ... so that its receptive field is the shipped window; evaluated
                       incrementally: per event one new column per layer, each layer's last
                       (kernel - 1) * dilation inputs carried as per-key state
  tcn256-window.onnx   window model, the same TCN weights over the whole window (score of the
                       newest event): the same function as tcn256.onnx on every full window
                       (tests/test_tcn.py in PyTorch, TcnStepWindowEquivalenceTest in ONNX Runtime)
  ae1024.onnx          window model, dense autoencoder (hidden 1024, bottleneck 64) over the shipped window
  cnn256.onnx          window model, 1-D CNN with 256 channels over the shipped window length
`--large-models` uses lstm256, gru256 and tcn256. The window models are there to show where
batching cannot win: a window model recomputes the whole window for every event, so it is
compute-bound already at batch 1 (README, "Models of real size").
Their scores mean nothing: throughput only. Run with Debian's python3 (torch, onnx):
  /usr/bin/python3 models/bench_models.py
"""
import argparse
import json
import os

import onnx
import torch

from vigil_models import export
from vigil_models.nets import AutoEncoder, CNNNet, RecurrentNet
from vigil_models.tcn import TCN, TCNStep

HERE = os.path.dirname(os.path.abspath(__file__))
# Generated and git-ignored, never shipped: the shipped models' 2 MB cap would stop at ~500 k parameters.
MAX_BYTES = 64 * 1024 * 1024


def shipped_meta(name: str) -> dict:
    return {m.key: m.value for m in onnx.load(os.path.join(HERE, name)).metadata_props}


def meta(name: str, kind: str, base: dict, params: int, extra: dict) -> dict:
    return {"vigil.contract": "1", "vigil.name": name, "vigil.version": "bench-random",
         "vigil.kind": kind, "vigil.features": base["vigil.features"],
         "vigil.feature_names": base["vigil.feature_names"], "vigil.threshold": "0.5",
         "vigil.hparams": json.dumps({"random_weights": True, "parameters": params, **extra}),
         "vigil.val_metrics": "null", "vigil.test_metrics": "null", "vigil.seed": 0,
         "vigil.data_sha256": "none", "vigil.opset": export.OPSET}


def parameters(net) -> int:
    return sum(p.numel() for p in net.parameters())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "bench"))
    ap.add_argument("--hidden", type=int, default=256, help="recurrent hidden size (default 256)")
    ap.add_argument("--channels", type=int, default=256, help="CNN and TCN channels (default 256)")
    ap.add_argument("--ae-hidden", type=int, default=1024, help="autoencoder hidden width (default 1024)")
    args = ap.parse_args()
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)
    step_base, window_base = shipped_meta("recurrent.onnx"), shipped_meta("cnn.onnx")
    f, window = int(step_base["vigil.features"]), int(window_base["vigil.window"])
    for cell in ("lstm", "gru"):
        net = RecurrentNet(cell, f, args.hidden, 0.0, 0.0).eval()
        name = f"{cell}{args.hidden}"
        m = meta(name, "step", step_base, parameters(net), {"cell": cell, "hidden": args.hidden})
        m["vigil.cell"] = cell
        export.export_step(net, os.path.join(args.out, name + ".onnx"), m, MAX_BYTES)
        print(f"{name}.onnx: {parameters(net)} parameters")
    windowed = [(f"ae{args.ae_hidden}", AutoEncoder(f, window, args.ae_hidden, 64, 0.0), {"hidden": args.ae_hidden}),
                (f"cnn{args.channels}", CNNNet(f, args.channels, 0.0, 0.0), {"channels": args.channels})]
    # Drawn after the others, so their random weights are what they were before the TCN.
    tcn = TCN(f, args.channels, window)
    name = f"tcn{args.channels}"
    tcn_hparams = {"channels": args.channels, "kernel": tcn.kernel, "dilations": tcn.dilations}
    m = meta(name, "step", step_base, parameters(tcn), {**tcn_hparams, "receptive_field": window})
    m["vigil.cell"] = "tcn"
    export.export_step_module(TCNStep(tcn), f, os.path.join(args.out, name + ".onnx"), m, MAX_BYTES)
    print(f"{name}.onnx: {parameters(tcn)} parameters")
    for name, net, extra in windowed + [(f"{name}-window", tcn, tcn_hparams)]:
        net.eval()
        m = meta(name, "window", window_base, parameters(net), {**extra, "window": window})
        m["vigil.window"] = window
        export.export_window(net, window, f, os.path.join(args.out, name + ".onnx"), m, MAX_BYTES)
        print(f"{name}.onnx: {parameters(net)} parameters")

if __name__ == "__main__":
    main()
