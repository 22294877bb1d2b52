"""ONNX export per the model contract (see /DESIGN.md "Model contract" and models/README.md),
contract checks that need no ONNX Runtime (onnx.checker + graph/metadata inspection), and
the parity fixtures the Java test replays through ONNX Runtime."""
import json

import numpy as np
import onnx
import torch

from .nets import RecurrentNet, RecurrentStep, WindowScorer

OPSET = 17
MAX_BYTES = 2 * 1024 * 1024
REQUIRED_META = ("vigil.contract", "vigil.name", "vigil.version", "vigil.kind", "vigil.features",
                 "vigil.feature_names", "vigil.threshold", "vigil.hparams", "vigil.val_metrics",
                 "vigil.test_metrics", "vigil.seed", "vigil.data_sha256", "vigil.opset")
METRIC_KEYS = ("precision", "recall", "f1", "specificity", "roc_auc", "pr_auc", "tp", "fp", "tn", "fn", "threshold")


def _export(module, args, names_in, names_out, path, metadata: dict, max_bytes: int = MAX_BYTES):
    module.eval()
    # No constant folding: every initialiser keeps its PyTorch state_dict name, which lets
    # recheck.py rebuild the network from the .onnx file alone. ONNX Runtime folds at load.
    torch.onnx.export(module, args, path, input_names=names_in, output_names=names_out,
                      dynamic_axes={n: {0: "batch"} for n in names_in + names_out},
                      opset_version=OPSET, do_constant_folding=False)
    model = onnx.load(path)
    # The exporter names the hidden size of chunked gate outputs symbolically; a state output
    # has exactly its state input's shape, so say so (the operator checks the two agree).
    inputs = {i.name: i for i in model.graph.input}
    for out in model.graph.output:
        if out.name.startswith("state_out_"):
            out.type.tensor_type.shape.CopyFrom(inputs[out.name.replace("out", "in")].type.tensor_type.shape)
    for k, v in metadata.items():
        model.metadata_props.add(key=k, value=str(v))
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    problems = contract_problems(onnx.load(path), max_bytes)
    if problems:
        raise RuntimeError(f"{path} breaks the contract: " + "; ".join(problems))


def export_step(net: RecurrentNet, path: str, metadata: dict, max_bytes: int = MAX_BYTES):
    export_step_module(RecurrentStep(net), net.features, path, metadata, max_bytes)


def export_step_module(step, features: int, path: str, metadata: dict, max_bytes: int = MAX_BYTES):
    """Any step module with `state_names` and `zero_states(b)` (RecurrentStep, TCNStep)."""
    n = step.n_states
    metadata = {**metadata, "vigil.states": ",".join(step.state_names)}
    _export(step.eval(), (torch.zeros(2, features),) + step.zero_states(2), ["x"] + [f"state_in_{i}" for i in range(n)],
            ["score"] + [f"state_out_{i}" for i in range(n)], path, metadata, max_bytes)


def export_window(net, window: int, features: int, path: str, metadata: dict, max_bytes: int = MAX_BYTES):
    _export(WindowScorer(net).eval(), (torch.zeros(2, window, features),), ["window"], ["score"], path, metadata,
            max_bytes)


def check_step_matches_sequence(net: RecurrentNet, x: np.ndarray, tol: float = 1e-5):
    """The exported single-step graph must reproduce the trained sequence network: step through
    one sequence from zero states, feeding states back like the operator does, and compare the
    classifier's probabilities (or the forecaster's forecasts) with the network's."""
    step = RecurrentStep(net).eval()
    with torch.no_grad():
        z, _ = net.scale.sequences(torch.from_numpy(x)[None])
        out = net(z)[0][0]
        expected = torch.sigmoid(out) if net.head_kind == "classifier" else out
        states, got = step.zero_states(1), []
        for row in torch.from_numpy(x):
            score, *states = step(row[None], *states)
            got.append(score[0] if net.head_kind == "classifier" else states[step.state_names.index("forecast")][0])
    diff = float((torch.stack(got) - expected).abs().max())
    if diff > tol:
        raise RuntimeError(f"step graph differs from the sequence network by {diff}")


def _dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def contract_problems(model: onnx.ModelProto, max_bytes: int = MAX_BYTES) -> list[str]:
    """Everything the Java side checks at start, checked from the graph and metadata alone; the
    size cap is the shipped models' (kept in git), raised only for generated benchmark models."""
    p = []
    meta = {m.key: m.value for m in model.metadata_props}
    missing = [k for k in REQUIRED_META if k not in meta]
    if missing:
        return [f"metadata keys missing: {missing}"]
    if meta["vigil.contract"] != "1":
        p.append(f"vigil.contract is {meta['vigil.contract']!r}, expected '1'")
    kind, f = meta["vigil.kind"], int(meta["vigil.features"])
    if len(meta["vigil.feature_names"].split(",")) != f:
        p.append("vigil.feature_names does not name vigil.features columns")
    for key in ("vigil.hparams", "vigil.val_metrics", "vigil.test_metrics"):
        try:
            value = json.loads(meta[key])
        except json.JSONDecodeError as e:
            p.append(f"{key} is not JSON ({e})")
            continue
        if key != "vigil.hparams" and value is not None and any(m not in value for m in METRIC_KEYS):
            p.append(f"{key} lacks some of {METRIC_KEYS}")
    try:
        float(meta["vigil.threshold"])
    except ValueError:
        p.append(f"vigil.threshold {meta['vigil.threshold']!r} is not a number")
    inputs = {i.name: i for i in model.graph.input}
    outputs = {o.name: o for o in model.graph.output}
    for v in list(inputs.values()) + list(outputs.values()):
        if v.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            p.append(f"{v.name} is not float32")
        if not isinstance(_dims(v)[0], str):
            p.append(f"{v.name}: batch axis is not dynamic ({_dims(v)})")
    if "score" not in outputs or len(_dims(outputs["score"])) != 1:
        p.append("output 'score' [B] missing")
    if kind == "step":
        # A TCN (causal CNN evaluated incrementally) has no cell state: only its per-layer buffers.
        cells = {"lstm": 2, "gru": 1, "rnn": 1, "tcn": 0}.get(meta.get("vigil.cell"))
        if cells is None:
            return p + [f"vigil.cell is {meta.get('vigil.cell')!r}, expected lstm|gru|rnn|tcn"]
        # vigil.states names every state pair (cell states first, then per-key normaliser etc.).
        names = meta["vigil.states"].split(",") if "vigil.states" in meta else ["h", "c"][:cells]
        n = len(names)
        if names[:cells] != ["h", "c"][:cells]:
            p.append(f"vigil.states {names} does not start with the {meta['vigil.cell']} cell states")
        want_in = ["x"] + [f"state_in_{i}" for i in range(n)]
        if sorted(inputs) != sorted(want_in) or sorted(outputs) != sorted(["score"] + [f"state_out_{i}" for i in range(n)]):
            return p + [f"inputs {sorted(inputs)} / outputs {sorted(outputs)} do not match a {meta['vigil.cell']} step model "
                        f"with states {names}"]
        if _dims(inputs["x"])[1:] != [f]:
            p.append(f"x is {_dims(inputs['x'])}, expected [B, {f}]")
        for i in range(n):
            if _dims(inputs[f"state_in_{i}"])[1:] != _dims(outputs[f"state_out_{i}"])[1:]:
                p.append(f"state_in_{i} and state_out_{i} differ in shape")
    elif kind == "window":
        t = int(meta.get("vigil.window", 0))
        if list(inputs) != ["window"] or list(outputs) != ["score"]:
            return p + [f"inputs {list(inputs)} / outputs {list(outputs)}, expected window -> score"]
        if _dims(inputs["window"])[1:] != [t, f]:
            p.append(f"window is {_dims(inputs['window'])}, expected [B, {t}, {f}]")
    else:
        p.append(f"vigil.kind is {kind!r}, expected step|window")
    if model.ByteSize() > max_bytes:
        p.append(f"model is {model.ByteSize()} bytes, over {max_bytes}")
    return p


def parity_fixture(module, inputs: dict[str, np.ndarray]) -> dict:
    """One parity case: the inputs and PyTorch's outputs, as flat float lists with shapes."""
    module.eval()
    with torch.no_grad():
        out = module(*(torch.from_numpy(v) for v in inputs.values()))
    out = out if isinstance(out, tuple) else (out,)
    names = ["score"] + [f"state_out_{i}" for i in range(len(out) - 1)]

    def enc(a):
        a = np.asarray(a, dtype=np.float32)
        return {"shape": list(a.shape), "data": [float(v) for v in a.ravel()]}
    return {"inputs": {k: enc(v) for k, v in inputs.items()},
            "outputs": {n: enc(o.numpy()) for n, o in zip(names, out)}}


def write_parity_fixtures(path: str, name: str, module, make_inputs, batches=(1, 32)):
    cases = [dict(batch=b, **parity_fixture(module, make_inputs(b))) for b in batches]
    with open(path, "w") as f:
        json.dump({"model": f"{name}.onnx", "tolerance": 1e-5, "cases": cases}, f)
