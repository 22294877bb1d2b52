#!/usr/bin/python3
"""Trains Vigil's three model families and exports them per the model contract.

    /usr/bin/python3 models/train.py --data TRAIN.csv --test-data TEST.csv --out models [--quick]

Method (details in models/README.md): entity split 80/20 into train / validation; model
choices by K-fold CV on the train part; final fit on the train part with early stopping on
validation; alert threshold = max F1 on validation; metrics reported on the separate test CSV.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vigil_models import data, export, nets, report  # noqa: E402
from vigil_models.data import Dataset, Sequence  # noqa: E402
from vigil_models.train_loop import (AutoEncoderTask, FitConfig, RecurrentTask, WindowTask,  # noqa: E402
                                     cross_validate, selection_score, step_scores, train_one)

VERSION = "1.0.0"
WINDOW = 32
# Hidden-unit noise injected while training the supervised nets (see nets.HiddenNoise).
HIDDEN_NOISE = 0.05

# Candidate grids for K-fold CV. Quick mode keeps the first value of every axis but hidden
# size / channels, so CI still exercises a real choice.
SPACES = {
    "recurrent": {"hidden": [16, 32], "weight_decay": [1e-5, 1e-4], "dropout": [0.0, 0.2]},
    "cnn": {"channels": [16, 32], "weight_decay": [1e-5, 1e-4], "dropout": [0.0, 0.2]},
    "autoencoder": {"hidden": [64], "bottleneck": [8, 16], "weight_decay": [1e-5, 1e-4], "dropout": [0.0, 0.1]},
}
# Recurrent nets learn faster with a larger step (their short TBPTT chunks give small gradients).
LR = {"recurrent": 1e-2, "cnn": 5e-3, "autoencoder": 5e-3}
# Hyper-parameters of the cell-type comparison (before CV tunes the chosen cell).
CELL_TRIAL = {"hidden": 32, "weight_decay": 1e-5, "dropout": 0.0}


def log(msg):
    print(msg, flush=True)


def builders(f: int):
    return {
        "cnn": lambda hp: nets.CNNNet(f, hp["channels"], hp["dropout"], HIDDEN_NOISE),
        "autoencoder": lambda hp: nets.AutoEncoder(f, WINDOW, hp["hidden"], hp["bottleneck"], hp["dropout"]),
    }


def recurrent_builder(candidate: str, f: int):
    """candidate: a cell ("gru") for the supervised classifier, "<cell>-forecaster" for the
    unsupervised forecaster (no hidden-unit noise: its target is the data itself)."""
    cell, _, head = candidate.partition("-")
    if head:
        return lambda hp: nets.RecurrentNet(cell, f, hp["hidden"], hp["dropout"], 0.0, "forecaster")
    return lambda hp: nets.RecurrentNet(cell, f, hp["hidden"], hp["dropout"], HIDDEN_NOISE)


def quick_space(space: dict) -> dict:
    return {k: (v if k in ("hidden", "channels", "bottleneck") else v[:1]) for k, v in space.items()}


def guard_threshold(family: str, thr: float, val_scores: np.ndarray, max_share: float) -> float:
    """A threshold that would flag more than max_share of validation events is an all-alert
    model in disguise: say so and raise it to the (1 - max_share) quantile, or just above it
    when scores tie there (a flat stretch of scores would otherwise still flag them all). A
    model whose validation scores cannot be cut anywhere below max_share (all equal at the
    top) is refused with a message, not shipped as an all-alert or never-alert model."""
    share = float(np.mean(val_scores >= thr))
    if share <= max_share:
        return thr
    raised = float(np.quantile(val_scores, 1 - max_share))
    if np.mean(val_scores >= raised) > max_share:
        above = val_scores[val_scores > raised]
        if len(above) == 0:
            raise SystemExit(f"{family}: {np.mean(val_scores >= raised):.1%} of validation scores equal the top score "
                             f"{raised:.6g}: no threshold flags at most --max-alert-share {max_share:.0%} of validation "
                             f"events; the model cannot rank them and is not exported (train it longer or on more data)")
        raised = float(above.min())
    log(f"  WARNING {family}: threshold {thr:.6g} would flag {share:.1%} of validation events "
        f"(more than --max-alert-share {max_share:.0%}); raised to {raised:.6g}, which flags "
        f"{np.mean(val_scores >= raised):.1%}")
    return raised


def evaluate(family, model, task, val_ds, test_ds, labelled: bool, alert_rate: float, max_share: float):
    """Threshold on validation (max F1, or the (1 - alert_rate) quantile without labels or when
    validation holds one class only; never flagging more than max_share of validation events),
    then metrics on validation and test."""
    val_scores = task.scores(model, val_ds)
    if not labelled or not data.has_both_classes(val_ds):
        # No labels, or one class in validation: no F1 to maximise; alert on a share (train.py notes it).
        thr = float(np.quantile(val_scores, 1 - alert_rate))
    else:
        thr = report.max_f1_threshold(val_ds.labels(), val_scores)
    thr = guard_threshold(family, thr, val_scores, max_share)
    if not labelled:
        return thr, None, None, None
    val_m = report.metrics(val_ds.labels(), val_scores, thr)
    if test_ds is None:
        return thr, val_m, None, None
    test_scores = task.scores(model, test_ds)
    return thr, val_m, report.metrics(test_ds.labels(), test_scores, thr), test_scores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="training CSV (entity_id, time, features[, label])")
    ap.add_argument("--test-data", help="separate test CSV (another generator seed); metrics are reported on it")
    ap.add_argument("--out", required=True, help="folder for <family>.onnx, fixtures/ and reports/")
    ap.add_argument("--families", default="recurrent,cnn,autoencoder")
    ap.add_argument("--cells", default="lstm,gru,rnn",
                    help="supervised recurrent cell types to compare on validation (labelled CSVs); '' for none")
    ap.add_argument("--forecaster", default="gru",
                    help="cell of the unsupervised recurrent forecaster, a candidate beside the supervised cells "
                         "(the recurrent model when the CSV has no labels); 'none' to leave it out")
    ap.add_argument("--features", help="comma-separated feature columns (default: every non-reserved column)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small data, few epochs: a CI smoke run")
    ap.add_argument("--medium", action="store_true",
                    help="all the data, 2-fold CV over the quick grid, shorter fits: ~1/3 of full mode's time")
    ap.add_argument("--max-alert-share", type=float, default=0.05,
                    help="a chosen threshold never flags more than this share of validation events")
    ap.add_argument("--alert-rate", type=float, default=0.01,
                    help="without labels: alert on this share of validation scores")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(args.threads)
    features = args.features.split(",") if args.features else None
    limit = dict(max_entities=60, max_steps=300) if args.quick else {}
    ds = data.load_csv(args.data, features, **limit)
    test = data.load_csv(args.test_data, ds.feature_names, **(dict(max_entities=30, max_steps=300) if args.quick else {})) \
        if args.test_data else None
    families = args.families.split(",")
    if not ds.labelled:
        log(f"{args.data} has no 'label' column: training the recurrent forecaster and the autoencoder "
            f"(the CNN is supervised); thresholds are the {1 - args.alert_rate:.3f} quantile of "
            f"validation scores and no precision/recall can be reported.")
        families = [fam for fam in families if fam != "cnn"]
        if args.forecaster == "none":
            families = [fam for fam in families if fam != "recurrent"]
    if test is not None and not test.labelled:
        log(f"{args.test_data} has no labels: no test metrics.")
        test = None
    f = len(ds.feature_names)
    tr_idx, va_idx = data.split_entities(len(ds.sequences), 0.2, args.seed, data.entity_has_positive(ds))
    train_ds, val_ds = ds.subset(tr_idx), ds.subset(va_idx)
    if ds.labelled and not data.has_both_classes(val_ds):
        missing = "anomalous (label=1)" if val_ds.labels().sum() == 0 else "normal (label=0)"
        log(f"note: the validation split ({len(val_ds.sequences)} entities) has no {missing} row "
            f"({sum(data.entity_has_positive(ds))} of {len(ds.sequences)} entities have label=1 rows): "
            f"thresholds fall back to the {1 - args.alert_rate:.3f} quantile of validation scores, "
            f"model choices to validation loss, and validation ROC-AUC / PR-AUC are null.")
    log(f"{len(ds.sequences)} entities ({len(train_ds.sequences)} train / {len(val_ds.sequences)} validation), "
        f"{f} features, {'labelled' if ds.labelled else 'unlabelled'}; test: "
        f"{len(test.sequences) if test else 0} entities")

    # CV only ranks candidates, so its fits get a shorter budget than the final fit.
    cv_epochs, cv_patience = (2, 2) if args.quick else (2, 2) if args.medium else (6, 2)
    final_epochs, final_patience = (4, 2) if args.quick else (12, 3) if args.medium else (60, 5)
    folds = 2 if args.quick or args.medium else args.folds
    augment = data.Augment()
    os.makedirs(os.path.join(args.out, "fixtures"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "reports"), exist_ok=True)
    summary, curves = {}, {}
    for family in families:
        t0 = time.time()
        log(f"== {family}")
        space = quick_space(SPACES[family]) if args.quick or args.medium else SPACES[family]
        cv_cfg = FitConfig(lr=LR[family], max_epochs=cv_epochs, patience=cv_patience)
        final_cfg = FitConfig(lr=LR[family], max_epochs=final_epochs, patience=final_patience)
        extra = {}
        if family == "recurrent":
            candidates = ([c for c in args.cells.split(",") if c] if ds.labelled else []) + \
                ([f"{args.forecaster}-forecaster"] if args.forecaster != "none" else [])
            trials = {}
            for cand in candidates if len(candidates) > 1 else []:  # one candidate: nothing to compare
                m, h = train_one(recurrent_builder(cand, f), recurrent_task(cand, augment), CELL_TRIAL,
                                 train_ds, val_ds, final_cfg, args.seed)
                trials[cand] = round(selection_score(m, recurrent_task(cand, augment), val_ds), 4)
                log(f"  {cand}: validation {'AP' if data.has_both_classes(val_ds) else '-loss'} {trials[cand]} ({h})")
            choice = max(trials, key=trials.get) if trials else candidates[0]
            build, task = recurrent_builder(choice, f), recurrent_task(choice, augment)
            extra = {"cell": choice.partition("-")[0], "head": "forecaster" if "-" in choice else "classifier",
                     "cell_trial_val_ap": trials, "cell_trial_hparams": CELL_TRIAL}
        elif family == "cnn":
            task, build = WindowTask(WINDOW, augment), builders(f)["cnn"]
        else:
            task, build = AutoEncoderTask(WINDOW), builders(f)["autoencoder"]
        hp, cv = cross_validate(build, task, space, train_ds, folds, cv_cfg, args.seed, log)
        log(f"  chosen by {folds}-fold CV: {hp}")
        model, hist = train_one(build, task, hp, train_ds, val_ds, final_cfg, args.seed)
        log(f"  final fit: {hist}")
        thr, val_m, test_m, test_scores = evaluate(family, model, task, val_ds, test, ds.labelled, args.alert_rate,
                                                   args.max_alert_share)
        log(f"  threshold {thr:.6g}; validation {val_m}; test {test_m}")
        if test_scores is not None:
            curves[family] = (test.labels(), test_scores)

        supervised = family == "cnn" or extra.get("head") == "classifier"
        hparams = {**hp, **({"cell": extra["cell"], "head": extra["head"]} if extra else {}),
                   "window": WINDOW if family != "recurrent" else None,
                   "hidden_noise": HIDDEN_NOISE if supervised else 0.0,
                   "augment": augment.__dict__ if supervised else None,
                   "lr": final_cfg.lr, "lr_gamma": final_cfg.gamma, "max_epochs": final_cfg.max_epochs,
                   "patience": final_cfg.patience, "cv_folds": folds, "quick": args.quick, "medium": args.medium,
                   "normalisation": "per-key running mean/variance in state" if family == "recurrent"
                   else "per-window mean/std of the older events"}
        hparams = {k: v for k, v in hparams.items() if v is not None}
        meta = {
            "vigil.contract": "1", "vigil.name": family, "vigil.version": f"{VERSION}+{ds.sha256[:8]}",
            "vigil.kind": "step" if family == "recurrent" else "window",
            "vigil.features": f, "vigil.feature_names": ",".join(ds.feature_names),
            "vigil.threshold": repr(thr), "vigil.hparams": json.dumps(hparams),
            "vigil.val_metrics": json.dumps(val_m), "vigil.test_metrics": json.dumps(test_m),
            "vigil.seed": args.seed, "vigil.data_sha256": ds.sha256, "vigil.opset": export.OPSET,
        }
        path = os.path.join(args.out, f"{family}.onnx")
        fixture = os.path.join(args.out, "fixtures", f"{family}-parity.json")
        fixture_ds = test or val_ds
        rng = np.random.default_rng(args.seed)
        if family == "recurrent":
            meta["vigil.cell"] = extra["cell"]
            export.check_step_matches_sequence(model, fixture_ds.sequences[0].x[:50])
            export.export_step(model, path, meta)
            write_step_fixture(fixture, model, fixture_ds, rng)
        else:
            meta["vigil.window"] = WINDOW
            export.export_window(model, WINDOW, f, path, meta)
            w = data.dataset_windows(fixture_ds, WINDOW)[0]
            export.write_parity_fixtures(fixture, family, nets.WindowScorer(model),
                                         lambda b: {"window": w[rng.choice(len(w), b, replace=False)]})
        summary[family] = {"hparams": hparams, "cv": cv, "fit": hist, "threshold": thr, "val": val_m,
                           "test": test_m, "bytes": os.path.getsize(path), "seconds": round(time.time() - t0), **extra}
        log(f"  wrote {path} ({os.path.getsize(path)} bytes) in {time.time() - t0:.0f}s")

    if curves:
        report.plot_curves(curves, os.path.join(args.out, "reports", ""))
    summary["wall_seconds"] = round(time.time() - t_start)
    with open(os.path.join(args.out, "reports", "summary.json"), "w") as fh:
        json.dump(summary, fh, indent=1)
    log(results_table(summary))
    log(f"total {summary['wall_seconds']}s")


def recurrent_task(candidate: str, augment):
    """Forecasters learn the data itself: no augmentation (it would add noise to the targets)."""
    return RecurrentTask(None if candidate.endswith("-forecaster") else augment)


def write_step_fixture(path, net, ds, rng):
    """Parity inputs for the step model: real rows, and the real states (cell, normaliser,
    forecast, error scale) the graph reaches after a random number of steps of the same entity
    (zero states would test only half the graph)."""
    step = nets.RecurrentStep(net).eval()

    def make(b):
        picks = rng.choice(len(ds.sequences), b, replace=len(ds.sequences) < b)
        seqs = [ds.sequences[e].x for e in picks]
        ts = [int(rng.integers(1, len(x))) for x in seqs]
        states, kept = step.zero_states(b), [None] * b
        with torch.no_grad():
            for t in range(max(ts) + 1):
                for i in range(b):
                    if ts[i] == t:
                        kept[i] = [s[i].numpy().copy() for s in states]
                if t < max(ts):
                    x = torch.from_numpy(np.stack([x[min(t, len(x) - 1)] for x in seqs]))
                    states = step(x, *states)[1:]
        inputs = {"x": np.stack([x[t] for x, t in zip(seqs, ts)])}
        for i in range(step.n_states):
            inputs[f"state_in_{i}"] = np.stack([k[i] for k in kept])
        return inputs
    export.write_parity_fixtures(path, "recurrent", step, make)
    # And a stream: one key's first events from zero states, each step's states fed back, so the
    # Java side checks the normaliser's warm-up and the state loop, not only single steps.
    x = ds.sequences[0].x[:60]
    scores = step_scores(step, Dataset(ds.feature_names, [Sequence("fixture", x, None)], ds.sha256))[0]
    with open(path) as f:
        fixture = json.load(f)
    fixture["stream"] = {"x": {"shape": list(x.shape), "data": [float(v) for v in x.ravel()]},
                         "scores": [float(v) for v in scores]}
    with open(path, "w") as f:
        json.dump(fixture, f)


def fmt(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def results_table(summary) -> str:
    rows = ["| model | threshold | precision | recall | F1 | specificity | ROC-AUC | PR-AUC | TP | FP | TN | FN |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for family, s in summary.items():
        if not isinstance(s, dict) or not s.get("test"):
            continue
        m = s["test"]
        name = f"{family} ({s['cell']}{' forecaster' if s.get('head') == 'forecaster' else ''})" if "cell" in s else family
        rows.append(f"| {name} | {m['threshold']:.4g} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                    f"{m['specificity']:.3f} | {fmt(m['roc_auc'])} | {fmt(m['pr_auc'])} | {m['tp']} | {m['fp']} | "
                    f"{m['tn']} | {m['fn']} |")
    return "\n".join(rows) if len(rows) > 2 else "no test metrics (no labelled --test-data)"


if __name__ == "__main__":
    main()
