"""Netflix scale: generate and fit 480,189 users x 17,770 items at 1M, 10M and 100M ratings; peers side by side.

    .venv/bin/python benchmarks/bench_netflix.py [--sizes 1M 10M 100M] [--peers-up-to 1M] [--json OUT]

Every (size, model) runs in a fresh child process, so each peak memory is
that run's own high-water mark (``VmHWM`` from ``/proc/self/status``, reset
between phases through ``/proc/self/clear_refs``; ``ru_maxrss`` is printed
too). One child does, for lalib:

1. ``make_netflix_like(480_189, 17_770, density=n / (480_189 * 17_770),
   random_state=0)``: generation time (wall and CPU) and peak;
2. hold out 1% of the ratings at random (seeded), keep the rest;
3. ``MatrixFactorization(random_state=0).fit(...)`` -- the defaults: ALS,
   variational Bayes, rank 10, 5 sweeps -- fit time (wall and CPU) and peak (the peak counts
   the training data the process holds, as a user's process would);
4. RMSE on the held-out 1%, and of the global mean for scale.

The peers (``--peers-up-to``) get the same data, split and held-out set in
their own children: Surprise's ``SVD()`` (its defaults: 100 factors, 20
epochs of SGD), ``SVD(n_factors=10)``, and Cornac's ``MF()`` (Cython SGD,
10 factors, 20 epochs). Their fit time includes building their trainset from
the (user, item, rating) triples, as lalib's includes grouping them; all
predictions are clipped to 1..5. Neither peer is a dependency of lalib:
``.venv/bin/pip install scikit-surprise cornac``. The implicit-feedback
libraries (``implicit``) fit a different loss with no rating to predict, so
they are not compared. Prints a markdown table (ratios are of CPU time and
peak memory: above 1, the peer needs more); ``--json`` also saves the raw
figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

N_USERS, N_ITEMS = 480_189, 17_770
SIZES = {"1M": 10**6, "10M": 10**7, "100M": 10**8}
TEST_FRACTION = 0.01
SEED = 0


def _vm(field: str) -> float:
    """A memory field of /proc/self/status in GB (VmHWM: peak resident set, VmRSS: now)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def _reset_peak() -> None:
    """Start a new high-water mark from the current resident set (Linux: clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _cpu() -> float:
    """CPU seconds this process has used (user + system): on a shared machine, steadier than wall time."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _generate(n: int):
    from lalib.recsys import make_netflix_like

    start = time.perf_counter()
    data = make_netflix_like(N_USERS, N_ITEMS, density=n / (N_USERS * N_ITEMS), random_state=SEED)
    return data, time.perf_counter() - start


def _holdout(data):
    """A seeded 1% of the ratings held out, drawn in chunks (no full-length float64 temporary)."""
    rng = np.random.default_rng(SEED)
    test = np.concatenate([rng.random(min(1 << 22, len(data) - s), dtype=np.float32) < TEST_FRACTION
                           for s in range(0, len(data), 1 << 22)])
    train = tuple(np.compress(~test, a) for a in (data.users, data.items, data.ratings))
    held = tuple(np.compress(test, a) for a in (data.users, data.items, data.ratings))
    return train, held


def child(size: str, model: str) -> dict:
    from lalib.recsys import rmse

    n = SIZES[size]
    _reset_peak()
    base = _vm("VmRSS")
    cpu0 = _cpu()
    data, gen_seconds = _generate(n)
    gen_cpu = _cpu() - cpu0
    gen_peak = _vm("VmHWM")
    train, test = _holdout(data)
    n_ratings = len(data)
    del data
    _reset_peak()
    held_gb = _vm("VmRSS")
    cpu0 = _cpu()
    if model == "lalib":
        from lalib.recsys import MatrixFactorization

        start = time.perf_counter()
        est = MatrixFactorization(random_state=SEED).fit(*train)
        fit_seconds = time.perf_counter() - start
        pred = est.predict(test[0], test[1])
    elif model == "cornac-mf":
        from cornac.data import Dataset as CornacData
        from cornac.models import MF

        start = time.perf_counter()
        ds = CornacData.from_uir(list(zip(train[0].tolist(), train[1].tolist(), train[2].tolist())), seed=SEED)
        algo = MF(seed=SEED)  # its defaults: k=10, 20 SGD epochs, lambda_reg=0.02, biases
        algo.fit(ds)
        fit_seconds = time.perf_counter() - start
        pred = np.array([algo.score(ds.uid_map[u], ds.iid_map[i]) if u in ds.uid_map and i in ds.iid_map
                         else algo.default_score() for u, i in zip(test[0].tolist(), test[1].tolist())])
        pred = np.clip(pred, 1, 5)
    else:
        from surprise import SVD, Dataset, Reader

        algo = SVD(random_state=SEED) if model == "surprise-svd" else SVD(n_factors=10, random_state=SEED)
        start = time.perf_counter()
        triples = zip(train[0].tolist(), train[1].tolist(), train[2].tolist(), [None] * len(train[2]))
        trainset = Dataset(Reader(rating_scale=(1, 5))).construct_trainset(list(triples))
        algo.fit(trainset)
        fit_seconds = time.perf_counter() - start
        pred = np.array([algo.predict(u, i).est for u, i in zip(test[0].tolist(), test[1].tolist())])
    fit_peak = _vm("VmHWM")
    fit_cpu = _cpu() - cpu0  # includes predicting the 1% held out
    return {
        "size": size, "model": model, "n_ratings": n_ratings, "n_train": len(train[2]), "n_test": len(test[2]),
        "generate_s": gen_seconds, "generate_cpu_s": gen_cpu, "generate_peak_gb": gen_peak, "start_rss_gb": base,
        "fit_s": fit_seconds, "fit_cpu_s": fit_cpu, "fit_peak_gb": fit_peak, "held_data_gb": held_gb,
        "maxrss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "rmse": rmse(test[2], pred), "rmse_global_mean": rmse(test[2], np.full(len(test[2]), train[2].mean(dtype=float))),
    }


LABELS = {
    "lalib": "lalib `MatrixFactorization()` (ALS, variational Bayes, rank 10, 5 sweeps)",
    "surprise-svd": "Surprise `SVD()` (100 factors, 20 SGD epochs)",
    "surprise-svd10": "Surprise `SVD(n_factors=10)`",
    "cornac-mf": "Cornac `MF()` (10 factors, 20 SGD epochs)",
}


def run_child(size: str, model: str) -> dict:
    cmd = [sys.executable, __file__, "--child", size, model]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"size": size, "model": model, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    out = ["| ratings | model | generate: wall (s), CPU (s) | generate peak (GB) | fit: wall (s), CPU (s) "
           "| fit peak (GB) | held-out RMSE (global mean) | this fit's CPU / lalib's | this fit peak / lalib's |",
           "|---|---|---|---|---|---|---|---|---|"]
    ours = {r["size"]: r for r in rows if r["model"] == "lalib" and "error" not in r}
    for r in rows:
        if "error" in r:
            out.append(f"| {r['size']} | {LABELS[r['model']]} | failed: {r['error']} | | | | | | |")
            continue
        mine = ours.get(r["size"])
        t_ratio = f"{r['fit_cpu_s'] / mine['fit_cpu_s']:.2f}" if mine and "fit_cpu_s" in mine else ""
        m_ratio = f"{r['fit_peak_gb'] / mine['fit_peak_gb']:.2f}" if mine else ""
        gen_cpu, fit_cpu = (f"{r[k]:.1f}" if k in r else "–" for k in ("generate_cpu_s", "fit_cpu_s"))
        out.append(f"| {r['n_ratings']:,} | {LABELS[r['model']]} | {r['generate_s']:.1f}, {gen_cpu} "
                   f"| {r['generate_peak_gb']:.2f} | {r['fit_s']:.1f}, {fit_cpu} | {r['fit_peak_gb']:.2f} "
                   f"| {r['rmse']:.4f} ({r['rmse_global_mean']:.4f}) | {t_ratio} | {m_ratio} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--peers-up-to", default="1M", choices=["none", *SIZES])
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--table", nargs="+", metavar="JSON", help="only print the table of saved runs")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if args.table:
        rows = [row for path in args.table for row in json.load(open(path))]
        print(table(rows))
        return
    limit = SIZES.get(args.peers_up_to, 0)
    print(f"{datetime.date.today()}, {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, load average before: {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for size in args.sizes:
        models = ["lalib"] + (["surprise-svd10", "surprise-svd", "cornac-mf"] if SIZES[size] <= limit else [])
        for model in models:
            row = run_child(size, model)
            row["load_after"] = os.getloadavg()[0]
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
