#!/usr/bin/python3
"""Recomputes a shipped model's test metrics on fresh data and compares them with the
metrics in its metadata (the claim: within ±0.05 on a fresh generator seed).

    bin/vigil generate --out /tmp/seed3.csv --entities 100 --steps 400 --seed 3
    /usr/bin/python3 models/recheck.py --model models/recurrent.onnx --data /tmp/seed3.csv

The network is rebuilt in PyTorch from the .onnx file alone: its architecture from
vigil.hparams, its weights from the graph's initialisers (exported under their PyTorch names).
When models/fixtures/<name>-parity.json is beside the model, the rebuilt network is first
checked against it; the Java ShippedModelParityTest ties the same fixture to ONNX Runtime."""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vigil_models import data, nets, report  # noqa: E402
from vigil_models.train_loop import step_scores, window_scores  # noqa: E402

FAMILIES = ("recurrent", "cnn", "autoencoder")
COMPARED = ("precision", "recall", "f1", "specificity", "roc_auc", "pr_auc")


def rebuild(model: onnx.ModelProto):
    """Returns (export module, trained network) with the .onnx file's weights."""
    meta = {m.key: m.value for m in model.metadata_props}
    hp, f = json.loads(meta["vigil.hparams"]), int(meta["vigil.features"])
    name = meta["vigil.name"]
    if name == "recurrent":
        net = nets.RecurrentNet(meta["vigil.cell"], f, hp["hidden"], hp["dropout"], 0.0, hp.get("head", "classifier"))
        module = nets.RecurrentStep(net)
    elif name == "cnn":
        net = nets.CNNNet(f, hp["channels"], hp["dropout"], 0.0)
        module = nets.WindowScorer(net)
    else:
        net = nets.AutoEncoder(f, int(meta["vigil.window"]), hp["hidden"], hp["bottleneck"], hp["dropout"])
        module = nets.WindowScorer(net)
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    if name != "recurrent" and "net.norm.mean" in weights:
        net.norm = nets.GlobalScale(f)  # a window model exported before per-window normalisation
    # strict both ways: every parameter and buffer comes from the file, and every weight in the
    # file has its place (a network of another code version must not be scored as this one).
    unused = sorted(set(weights) - set(module.state_dict()))
    if unused:
        raise ValueError(f"{name}: weights {unused} have no place in this code's network: exported by another "
                         f"version of models/, cannot be rebuilt")
    module.load_state_dict({k: weights[k] for k in module.state_dict()}, strict=True)
    return module.eval(), net.eval(), meta


def sequence_scores(meta: dict, module, net, ds: data.Dataset) -> list[np.ndarray]:
    """The scores the operator would stream for every event, one array per entity."""
    if meta["vigil.kind"] == "step":
        return step_scores(module, ds)
    t = int(meta["vigil.window"])
    return [window_scores(net, data.windows(s.x, t)) for s in ds.sequences]


def shipped_scores(models_dir: str, data_path: str):
    """Every shipped model found in models_dir, rebuilt and run over the CSV at data_path (read once,
    with the first model's feature names): yields (name, metadata, dataset, scores per entity)."""
    ds = None
    for name in FAMILIES:
        path = os.path.join(models_dir, f"{name}.onnx")
        if not os.path.exists(path):
            continue
        module, net, meta = rebuild(onnx.load(path))
        if ds is None:
            ds = data.load_csv(data_path, meta["vigil.feature_names"].split(","))
        yield name, meta, ds, sequence_scores(meta, module, net, ds)


def check_fixture(module, path: str):
    with open(path) as f:
        fixture = json.load(f)
    worst = 0.0
    for case in fixture["cases"]:
        inputs = [torch.tensor(v["data"], dtype=torch.float32).view(v["shape"]) for v in case["inputs"].values()]
        with torch.no_grad():
            out = module(*inputs)
        out = out if isinstance(out, tuple) else (out,)
        for got, want in zip(out, case["outputs"].values()):
            worst = max(worst, float((got - torch.tensor(want["data"]).view(want["shape"])).abs().max()))
    if worst > fixture["tolerance"]:
        sys.exit(f"rebuilt network differs from the export-time outputs by {worst}: weights not restored")
    print(f"rebuilt network matches {os.path.basename(path)} (max |diff| {worst:.2e})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True, help="labelled CSV, e.g. a fresh generator seed")
    ap.add_argument("--tolerance", type=float, default=0.05)
    args = ap.parse_args()
    torch.set_num_threads(2)
    module, net, meta = rebuild(onnx.load(args.model))
    fixture = os.path.join(os.path.dirname(args.model), "fixtures", f"{meta['vigil.name']}-parity.json")
    if os.path.exists(fixture):
        check_fixture(module, fixture)
    ds = data.load_csv(args.data, meta["vigil.feature_names"].split(","))
    if not ds.labelled:
        sys.exit(f"{args.data} has no label column: nothing to recheck")
    scores = np.concatenate(sequence_scores(meta, module, net, ds))
    fresh = report.metrics(ds.labels(), scores, float(meta["vigil.threshold"]))
    shipped = json.loads(meta["vigil.test_metrics"])
    print(f"{meta['vigil.name']} {meta['vigil.version']} on {args.data} ({len(ds.sequences)} entities, "
          f"{len(scores)} events), threshold {float(meta['vigil.threshold']):.6g}")
    print(f"{'metric':12} {'metadata':>9} {'fresh':>9} {'diff':>8}")
    off = []
    for k in COMPARED:
        d = fresh[k] - shipped[k]
        print(f"{k:12} {shipped[k]:9.4f} {fresh[k]:9.4f} {d:+8.4f}")
        if abs(d) > args.tolerance:
            off.append(k)
    print(f"confusion: tp {fresh['tp']} fp {fresh['fp']} tn {fresh['tn']} fn {fresh['fn']}")
    if off:
        sys.exit(f"outside ±{args.tolerance}: {', '.join(off)}")
    print(f"all within ±{args.tolerance}")


if __name__ == "__main__":
    main()
