"""Eval-mode cases: every case of the families whose layers behave differently in
``module.eval()`` (batch norm, SyncBatchNorm, instance norm, feature dropout), run again
with ``"mode": "eval"``, plus cases aimed at what the modes change.

In eval mode batch norm uses its running statistics when it tracks them (no batch-of-one
check, eps only non-negative), instance norm with ``track_running_stats=True`` neither
checks the spatial size nor writes its statistics back, and Dropout2d/3d return their input
without the rank check of the feature noise. The training-mode cases stay in their own files.
"""

from __future__ import annotations

from collections.abc import Iterator

from oracle.cases import activation, crosscheck_misc, norm, pointwise

#: Layers whose cases are repeated in eval mode (the others have no mode-dependent code).
MODAL = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d",
         "InstanceNorm2d", "InstanceNorm3d", "Dropout", "AlphaDropout", "Dropout1d",
         "Dropout2d", "Dropout3d")


def _c(cid, layer, args, kwargs, inp):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": {}, "mode": "eval"}


def targeted() -> Iterator[dict]:
    """Batch of one, one spatial element, eps and empty inputs, both ways of tracking stats."""
    shapes = {"BatchNorm1d": [(1, 3), (1, 3, 1), (1, 3, 5), (2, 3), (1, 4), (0, 3), (1, 3, 0)],
              "BatchNorm2d": [(1, 3, 1, 1), (1, 3, 7, 7), (1, 4, 1, 1), (0, 3, 1, 1)],
              "BatchNorm3d": [(1, 3, 1, 1, 1), (1, 4, 1, 1, 1), (2, 3, 1, 1, 1)],
              "SyncBatchNorm": [(1, 3), (1, 3, 1, 1), (1, 4, 1), (1, 3, 1, 1, 1, 1)],
              "InstanceNorm1d": [(1, 3, 1), (3, 1), (2, 3, 1), (1, 4, 1), (0, 3, 1), (2, 3, 0)],
              "InstanceNorm2d": [(1, 3, 1, 1), (3, 1, 1), (2, 4, 1, 1), (2, 3, 0, 2)],
              "InstanceNorm3d": [(1, 3, 1, 1, 1), (3, 1, 1, 1), (2, 4, 1, 1, 1)]}
    for layer, inputs in shapes.items():
        for kw in ({}, {"track_running_stats": False}, {"track_running_stats": True},
                   {"affine": True, "track_running_stats": True}, {"affine": False}):
            for eps in (1e-5, 0.0, -1.0, "a"):
                for shape in inputs:
                    flags = "-".join(f"{k}{int(v)}" for k, v in kw.items()) or "default"
                    yield _c(f"eval/targeted/{layer}/{flags}-eps{eps!r}-{list(shape)}", layer, [3],
                             {"eps": eps, **kw}, shape)
    for layer in ("Dropout", "AlphaDropout", "Dropout1d", "Dropout2d", "Dropout3d"):
        for p in (0.0, 0.5, 1.0, float("nan")):
            for shape in [(), (3,), (0,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (2, 3, 4, 5, 6)]:
                yield _c(f"eval/targeted/{layer}/p{p!r}-{list(shape)}", layer, [p], {}, shape)


def cases() -> Iterator[dict]:
    for family in (norm, pointwise, activation, crosscheck_misc):
        for case in family.cases():
            if case.get("layer") in MODAL:
                yield dict(case, id=f"eval/{case['id']}", mode="eval")
    yield from targeted()
