"""Matrix factorization side by side with scikit-surprise's SVD: RMSE and fit time.

    .venv/bin/python benchmarks/bench_recsys.py [--ml100k PATH] [--torch]

Every model runs at its defaults on the same splits, in this one process:
- lalib's `MatrixFactorization()` (ALS, variational Bayes: the default),
  the same with a fixed ridge (`reg=12`, classic ALS) and with `method="sgd"`
  (and `method="torch"` with --torch);
- Surprise's `SVD()` (Funk SVD, 100 factors, 20 epochs of SGD), the peer a
  reader would otherwise pick; its trainset is built before the clock starts,
  while lalib's fit time includes mapping the raw ids.
Data: the synthetic `make_netflix_like()` always; MovieLens 100K when PATH
(u.data, its folder or ml-100k.zip) is given. Splits: random 80/20 and 5-fold
cross-validation, both seeded. Every model is first fitted once on a tiny
problem, so imports are not timed. Prints a markdown table; the ratio is
Surprise's fit time over each model's (above 1: faster than Surprise).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time

import numpy as np

from lalib.recsys import BiasBaseline, MatrixFactorization, Ratings, kfold, make_netflix_like, mae, random_split, rmse


def surprise_svd(train: Ratings, test: Ratings, scale: tuple[float, float]) -> tuple[np.ndarray, float]:
    from surprise import SVD, Dataset, Reader

    ds = Dataset(Reader(rating_scale=scale))
    trainset = ds.construct_trainset(list(zip(train.users.tolist(), train.items.tolist(),
                                              train.ratings.tolist(), [None] * len(train))))
    algo = SVD()
    start = time.perf_counter()
    algo.fit(trainset)
    seconds = time.perf_counter() - start
    pred = np.array([algo.predict(u, i).est for u, i in zip(test.users.tolist(), test.items.tolist())])
    return pred, seconds


def lalib_model(factory):
    def run(train: Ratings, test: Ratings, scale: tuple[float, float]) -> tuple[np.ndarray, float]:
        model = factory(scale)
        start = time.perf_counter()
        model.fit(train.users, train.items, train.ratings)
        seconds = time.perf_counter() - start
        return model.predict(test.users, test.items), seconds
    return run


def models(with_torch: bool) -> dict:
    out = {
        "lalib ALS, defaults (variational Bayes, implicit feedback, rank 10, 5 sweeps)":
            lalib_model(lambda s: MatrixFactorization(rating_scale=s, random_state=0)),
        "lalib ALS, variational Bayes without implicit feedback":
            lalib_model(lambda s: MatrixFactorization(implicit=False, rating_scale=s, random_state=0)),
        "lalib ALS, fixed ridge `reg=12`":
            lalib_model(lambda s: MatrixFactorization(reg=12.0, rating_scale=s, random_state=0)),
        "lalib SGD `method=\"sgd\"`":
            lalib_model(lambda s: MatrixFactorization(method="sgd", rating_scale=s, random_state=0)),
    }
    if with_torch:
        out["lalib torch `method=\"torch\"`"] = lalib_model(
            lambda s: MatrixFactorization(method="torch", rating_scale=s, random_state=0))
    out["lalib BiasBaseline (no factors)"] = lalib_model(lambda s: BiasBaseline(rating_scale=s))
    out["Surprise `SVD()` defaults"] = surprise_svd
    return out


def warm_up(runners: dict) -> None:
    """Fit every model once on a small problem, so imports and first calls are not timed."""
    tiny = make_netflix_like(100, 80, density=0.1, random_state=1)
    train, test = random_split(len(tiny), random_state=0)
    for run in runners.values():
        run(tiny[train], tiny[test], (1.0, 5.0))


def evaluate(data: Ratings, splits: list[tuple[np.ndarray, np.ndarray]], runners: dict) -> dict:
    scale = (float(data.ratings.min()), float(data.ratings.max()))
    scores = {name: [] for name in runners}
    for train_idx, test_idx in splits:
        train, test = data[train_idx], data[test_idx]
        for name, run in runners.items():  # interleaved, so load from other work hits all alike
            pred, seconds = run(train, test, scale)
            scores[name].append((rmse(test.ratings, pred), mae(test.ratings, pred), seconds))
    return {name: np.array(rows) for name, rows in scores.items()}


def table(title: str, results: dict) -> list[str]:
    peer = results["Surprise `SVD()` defaults"][:, 2].mean()
    lines = []
    for name, rows in results.items():
        r, a, t = rows.mean(axis=0)
        spread = f" ± {rows[:, 0].std():.4f}" if len(rows) > 1 else ""
        lines.append(f"| {title} | {name} | {r:.4f}{spread} | {a:.4f} | {t:.2f} | {peer / t:.1f}× |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ml100k", help="MovieLens 100K: u.data, its folder, or ml-100k.zip")
    parser.add_argument("--torch", action="store_true", help="also time method='torch'")
    args = parser.parse_args()

    runners = models(args.torch)
    warm_up(runners)
    data_sets = {"synthetic `make_netflix_like()`": make_netflix_like(random_state=0)}
    if args.ml100k:
        from lalib.movielens import load_ml_100k
        data_sets["MovieLens 100K"] = load_ml_100k(args.ml100k)

    import surprise
    print(f"{datetime.date.today()}, {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, surprise {surprise.__version__}")
    print()
    print("| data, split | model | RMSE | MAE | fit time (s) | Surprise SVD fit time / this |")
    print("|---|---|---|---|---|---|")
    per_fold = []
    for label, data in data_sets.items():
        n = len(data)
        for split, splits in (("random 80/20", [random_split(n, 0.2, random_state=0)]),
                              ("5-fold CV", kfold(n, 5, random_state=0))):
            results = evaluate(data, splits, runners)
            for line in table(f"{label} ({n:,} ratings), {split}", results):
                print(line, flush=True)
            if len(splits) > 1:
                per_fold += [f"- {label}, {name}: " + ", ".join(f"{x:.4f}" for x in rows[:, 0])
                             for name, rows in results.items()]
    print("\nRMSE fold by fold:\n")
    print("\n".join(per_fold))


if __name__ == "__main__":
    main()
