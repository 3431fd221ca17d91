"""conv-calc against the floor (bench/floor.py), whole processes, in one run.

    python bench/vs_floor.py                 # 1,000 / 5,000 / 20,000 / 100,000 layers, 5 rounds
    python bench/vs_floor.py --sizes 1000 5000 --rounds 7
    python bench/vs_floor.py --no-resnet --no-lint --json out.json
    python bench/vs_floor.py --before /tmp/before   # also time another checkout's conv-calc

For each chain file (Conv2d/BatchNorm2d/ReLU/MaxPool2d repeated, the shape kept at
1x16x64x64) it times ``conv-calc stack FILE`` (a table, piped), ``conv-calc stack FILE
--format json`` and ``python bench/floor.py FILE``, interleaved round-robin with the
order rotated every round, and prints the medians, conv-calc as a multiple of the floor,
the cost per layer between consecutive sizes, and each process's peak RSS (``/usr/bin/time
-f %M`` when present, else ``os.wait4``, an upper bound). Then ResNet-50 against the torch
route (the module ``conv-calc export --to torch`` writes, built on the meta device with a
forward hook on every module collecting the shapes, and the parameters counted), and the
peak RSS of ``conv-calc lint`` over 10 and over 1,000 files (flat means bounded).
Each checkout's ``conv_calc`` is byte-compiled first, as ``pip install`` does: with
``PYTHONDONTWRITEBYTECODE`` set and an editable install, every process would otherwise
compile its modules again (about 20 ms of CPU per run on this machine kind).
Only ratios within one run mean anything on a shared machine; CPU time (user + system,
from ``wait4``) is printed beside wall time because it moves less with the load.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CC = [PY, "-m", "conv_calc"]
TIME = shutil.which("time") and Path("/usr/bin/time").exists()
UNIT = ("  - Conv2d: {out_channels: 16, kernel_size: 3, padding: 1}\n  - BatchNorm2d\n"
        "  - ReLU\n  - MaxPool2d: {kernel_size: 3, stride: 1, padding: 1}\n")
TORCH_ROUTE = '''\
import sys, importlib.util, torch
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
with torch.device("meta"):
    model = mod.Resnet50()
    shapes = []
    for name, m in model.named_modules():
        m.register_forward_hook(lambda m, i, o, name=name: shapes.append((name, tuple(o.shape))))
    out = model(torch.zeros(1, 3, 224, 224))
print(len(shapes), tuple(out.shape), sum(p.numel() for p in model.parameters()))
'''


def chain(n: int) -> str:
    """A chain of ``n`` layers (a multiple of 4) as a stack file."""
    return f"version: 1\nname: chain-{n}\ninput: [1, 16, 64, 64]\nlayers:\n" + UNIT * (n // 4)


def run(cmd: list[str], root: Path = ROOT) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one process, its
    stdout thrown away."""
    env = dict(os.environ, PYTHONPATH=str(root))
    if TIME:
        cmd = ["/usr/bin/time", "-f", "%M", *cmd]
    t0 = time.perf_counter()
    # cwd too: `python -m` puts the working directory first on sys.path, before PYTHONPATH
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=root)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{cmd} exited {code}: {err[-500:]}")
    rss = int(err.split()[-1]) if TIME else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, rss


def interleave(cases: dict[str, list[str]], rounds: int,
               roots: dict[str, Path] | None = None) -> dict[str, dict[str, float]]:
    """Median wall time and the largest peak RSS of each case, round-robin, rotated."""
    names = list(cases)
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    rss: dict[str, int] = {n: 0 for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            w, c, m = run(cases[name], (roots or {}).get(name, ROOT))
            walls[name].append(w)
            cpus[name].append(c)
            rss[name] = max(rss[name], m)
    return {n: {"median_s": statistics.median(walls[n]), "runs_s": walls[n],
                "cpu_s": statistics.median(cpus[n]), "cpu_runs_s": cpus[n],
                "peak_rss_mib": rss[n] / 1024} for n in names}


def chains(sizes: list[int], rounds: int, tmp: Path, before: Path | None = None) -> dict:
    results = {}
    for n in sizes:
        path = tmp / f"chain{n}.yaml"
        path.write_text(chain(n))
        rounds_n = rounds if n <= 20000 else max(1, rounds // 2)
        cases = {"floor": [PY, str(ROOT / "bench" / "floor.py"), str(path)],
                 "table": [*CC, "stack", str(path)],
                 "json": [*CC, "stack", str(path), "--format", "json"]}
        if before is not None:  # the same commands from another checkout, in the same rounds
            cases.update({"table-before": cases["table"], "json-before": cases["json"]})
        res = interleave(cases, rounds_n, {"table-before": before, "json-before": before})
        results[n] = res
        cells = []
        for k in res:
            r = res[k]
            ratio = "" if k == "floor" else (f" {r['median_s'] / res['floor']['median_s']:4.2f}x"
                                             f"/{r['cpu_s'] / res['floor']['cpu_s']:4.2f}x")
            cells.append(f"{k} {r['median_s'] * 1000:6.0f}/{r['cpu_s'] * 1000:5.0f} ms{ratio} "
                         f"{r['peak_rss_mib']:5.1f} MiB")
        print(f"{n:>7,} layers: " + " | ".join(cells), flush=True)
    print("(wall/CPU medians; multiples of the floor in wall/CPU time; peak RSS)")
    for measure in ("median_s", "cpu_s"):
        print(f"\nper layer between sizes (µs, {'wall' if measure == 'median_s' else 'CPU'}):")
        for a, b in zip(sizes, sizes[1:]):
            cells = [f"{k} {(results[b][k][measure] - results[a][k][measure]) / (b - a) * 1e6:6.1f}"
                     for k in results[a]]
            print(f"  {a:>7,} -> {b:>7,}: " + "   ".join(cells))
    return results


def resnet(rounds: int, tmp: Path) -> dict:
    model = tmp / "resnet50_export.py"
    subprocess.run([*CC, "export", str(ROOT / "examples/resnet50.yaml"), "--to", "torch", "-o", str(model)],
                   check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    route = tmp / "torch_route.py"
    route.write_text(TORCH_ROUTE)
    res = interleave({"conv-calc": [*CC, "stack", str(ROOT / "examples/resnet50.yaml")],
                      "torch": [PY, str(route), str(model)]}, rounds)
    ratio = res["torch"]["median_s"] / res["conv-calc"]["median_s"]
    cpu = res["torch"]["cpu_s"] / res["conv-calc"]["cpu_s"]
    print(f"\nResNet-50: conv-calc {res['conv-calc']['median_s'] * 1000:.0f} ms, torch route "
          f"{res['torch']['median_s'] * 1000:.0f} ms: {ratio:.1f}x faster ({cpu:.1f}x in CPU time)")
    res["ratio"] = ratio
    return res


def lint(tmp: Path) -> dict:
    out = {}
    for n in (10, 1000):
        d = tmp / f"lint{n}"
        d.mkdir()
        for i in range(n):
            (d / f"net{i}.yaml").write_text(chain(40))
        wall, _, rss = run([*CC, "lint", str(d)])
        out[n] = {"wall_s": wall, "peak_rss_mib": rss / 1024}
        print(f"lint over {n:>5,} files: {wall * 1000:7.0f} ms, peak {rss / 1024:6.1f} MiB")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-resnet", action="store_true")
    ap.add_argument("--no-lint", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--before", type=Path, help="another checkout to time alongside (e.g. "
                    "`git archive main | tar -x -C /tmp/before`)")
    a = ap.parse_args()
    for root in (ROOT, a.before):
        if root is not None:  # what `pip install` does; see the module docstring
            compileall.compile_dir(str(root / "conv_calc"), quiet=1)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        figures = {"chains": chains(a.sizes, a.rounds, tmp, a.before)}
        if not a.no_resnet:
            figures["resnet50"] = resnet(a.rounds, tmp)
        if not a.no_lint:
            figures["lint"] = lint(tmp)
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
