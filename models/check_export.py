#!/usr/bin/python3
"""Checks that DIR holds the three shipped models and that each satisfies the model contract
(inputs, outputs, shapes, dynamic batch axis, metadata, size) without needing ONNX Runtime.

    /usr/bin/python3 models/check_export.py models

Exits 1 naming every problem found, 0 when all three pass."""
import json
import os
import sys

import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vigil_models.export import MAX_BYTES, contract_problems  # noqa: E402

EXPECTED = {"recurrent": "step", "cnn": "window", "autoencoder": "window"}


def check(path: str, name: str) -> list[str]:
    if not os.path.isfile(path):
        return ["file missing"]
    if os.path.getsize(path) >= MAX_BYTES:
        return [f"{os.path.getsize(path)} bytes, the limit is {MAX_BYTES}"]
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as e:
        return [f"onnx.checker: {e}"]
    problems = contract_problems(model)
    meta = {m.key: m.value for m in model.metadata_props}
    if meta.get("vigil.name") != name:
        problems.append(f"vigil.name is {meta.get('vigil.name')!r}, expected {name!r}")
    if meta.get("vigil.kind") != EXPECTED[name]:
        problems.append(f"vigil.kind is {meta.get('vigil.kind')!r}, expected {EXPECTED[name]!r}")
    if not problems and json.loads(meta["vigil.test_metrics"]) is None:
        problems.append("no test metrics (trained without a labelled --test-data)")
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    failed = False
    for name in EXPECTED:
        path = os.path.join(sys.argv[1], f"{name}.onnx")
        problems = check(path, name)
        failed |= bool(problems)
        print(f"{path}: " + ("OK" if not problems else "FAIL\n  " + "\n  ".join(problems)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
