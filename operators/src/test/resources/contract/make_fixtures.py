#!/usr/bin/python3
"""Builds the tiny hand-made ONNX models the Java contract and operator tests use.

A good step model (a one-layer tanh RNN with fixed weights), a good window model, and models
that each break the contract in one way. Run: /usr/bin/python3 make_fixtures.py (from this folder).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, H, T = 3, 4, 5
rng = np.random.default_rng(7)
W = rng.normal(size=(F, H)).astype(np.float32)
U = rng.normal(size=(H, H)).astype(np.float32) * 0.5
# A re-trained model of another size, same name: restored state no longer fits it.
H_WIDE = 6
W_WIDE = rng.normal(size=(F, H_WIDE)).astype(np.float32)
U_WIDE = rng.normal(size=(H_WIDE, H_WIDE)).astype(np.float32) * 0.5


def meta(model, features=F, **props):
    base = {"vigil.contract": "1", "vigil.version": "test", "vigil.features": str(features), "vigil.threshold": "0.5"}
    base.update(props)
    for k, v in base.items():
        if v is not None:
            entry = model.metadata_props.add()
            entry.key, entry.value = k, v
    return model


def tensor(name, *shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["B", *shape])


def step_model(score_name="score", state_out_width=H, extra_state_in=False, kind="step", name="rnn", w=W, u=U,
               version="test"):
    f, h = w.shape
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("MatMul", ["state_in_0", "U"], ["hu"]),
        helper.make_node("Add", ["xw", "hu"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),
        helper.make_node("ReduceSum", ["h", "axes"], [score_name], keepdims=0),
    ]
    inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(u, "U"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")]
    if state_out_width == h:
        nodes.append(helper.make_node("Identity", ["h"], ["state_out_0"]))
    else:
        inits.append(numpy_helper.from_array(np.zeros((h, state_out_width), np.float32), "P"))
        nodes.append(helper.make_node("MatMul", ["h", "P"], ["state_out_0"]))
    inputs = [tensor("x", f), tensor("state_in_0", h)]
    if extra_state_in:
        inputs.append(tensor("state_in_1", h))
    graph = helper.make_graph(nodes, "step", inputs, [tensor(score_name), tensor("state_out_0", state_out_width)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return meta(model, features=f, **{"vigil.kind": kind, "vigil.name": name, "vigil.version": version})


def retrained(features, hidden, seed):
    """Weights of one re-training of the rnn: another seed, another version, maybe another size."""
    r = np.random.default_rng(seed)
    return r.normal(size=(features, hidden)).astype(np.float32), r.normal(size=(hidden, hidden)).astype(np.float32) * 0.5


def window_model():
    nodes = [
        helper.make_node("Mul", ["window", "window"], ["sq"]),
        helper.make_node("ReduceMean", ["sq"], ["score"], axes=[1, 2], keepdims=0),
    ]
    graph = helper.make_graph(nodes, "window", [tensor("window", T, F)], [tensor("score")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return meta(model, **{"vigil.kind": "window", "vigil.name": "energy", "vigil.window": str(T)})


def fragile_step_model():
    """A step model that breaks on purpose: ONNX Runtime fails the whole call when any row has
    x0 == 666 (a Gather index out of bounds), and a row with x0 < -1000 gets a NaN score and state
    (sqrt of a negative). Otherwise state_out = state_in + sqrt(x0 + 1000), score = state_out."""
    nodes = [
        helper.make_node("Gather", ["x", "first"], ["x0"], axis=1),
        helper.make_node("Add", ["x0", "offset"], ["shifted"]),
        helper.make_node("Sqrt", ["shifted"], ["step"]),
        helper.make_node("Add", ["state_in_0", "step"], ["state_out_0"]),
        helper.make_node("Equal", ["x0", "poison"], ["hit"]),
        helper.make_node("Cast", ["hit"], ["hit_i"], to=TensorProto.INT64),
        helper.make_node("Mul", ["hit_i", "far"], ["index"]),
        helper.make_node("Gather", ["zeros", "index"], ["picked"], axis=0),
        helper.make_node("Add", ["state_out_0", "picked"], ["scored"]),
        helper.make_node("ReduceSum", ["scored", "axes"], ["score"], keepdims=0),
    ]
    inits = [numpy_helper.from_array(np.array([0], dtype=np.int64), "first"),
             numpy_helper.from_array(np.array([1000], dtype=np.float32), "offset"),
             numpy_helper.from_array(np.array([666], dtype=np.float32), "poison"),
             numpy_helper.from_array(np.array([5], dtype=np.int64), "far"),
             numpy_helper.from_array(np.zeros(2, np.float32), "zeros"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")]
    graph = helper.make_graph(nodes, "fragile", [tensor("x", F), tensor("state_in_0", 1)],
                              [tensor("score"), tensor("state_out_0", 1)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return meta(model, **{"vigil.kind": "step", "vigil.name": "fragile"})


fixtures = {
    "fragile-step.onnx": fragile_step_model(),
    "good-step.onnx": step_model(),
    "good-window.onnx": window_model(),
    "good-step-wide.onnx": step_model(state_out_width=H_WIDE, w=W_WIDE, u=U_WIDE),
    "missing-score.onnx": step_model(score_name="probability"),
    "mismatched-state.onnx": step_model(state_out_width=H + 2),
    "unpaired-state.onnx": step_model(extra_state_in=True),
    "no-kind.onnx": step_model(kind=None),
}
# Hot-swap fixtures: versions of one model "rnn", over 3 features (operator tests) and over the 8
# features of the synthetic stream (pipeline tests). v2 has v1's state shape, v3 a wider state.
for f, suffix in ((F, ""), (8, "-f8")):
    for version, hidden, seed in (("v1", H, 11), ("v2", H, 12), ("v3", H_WIDE, 13)):
        w, u = retrained(f, hidden, seed)
        fixtures[f"rnn-{version}{suffix}.onnx"] = step_model(w=w, u=u, state_out_width=hidden, version=version)
for file, model in fixtures.items():
    onnx.checker.check_model(model)
    onnx.save(model, file)
print("wrote", ", ".join(fixtures))
