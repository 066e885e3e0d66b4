"""The factorization loss J minimized by Adam through PyTorch autograd (``MatrixFactorization(method="torch")``).

The same biased model ``mu + b_u + b_i + p_u . q_i`` and the same penalties
as ALS and SGD; PyTorch is imported only when this method is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

__all__: list[str] = []


def torch_epochs(u: np.ndarray, i: np.ndarray, res: np.ndarray, P: np.ndarray, Q: np.ndarray, bu: np.ndarray,
                 bi: np.ndarray, epochs: Iterable, rng: np.random.Generator, lr: float, reg: float, reg_bias: float,
                 batch_size: int) -> Iterator[tuple]:
    """Train on shuffled mini-batches; yields numpy copies of ``P, Q, bu, bi`` after each epoch."""
    import torch

    gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (P, Q, bu, bi)]
    tu, ti = torch.from_numpy(u.astype(np.int64)), torch.from_numpy(i.astype(np.int64))
    tres = torch.from_numpy(res)
    wu = torch.from_numpy(1.0 / np.bincount(u, minlength=len(P)))
    wi = torch.from_numpy(1.0 / np.bincount(i, minlength=len(Q)))
    opt = torch.optim.Adam(params, lr=lr)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small batched gathers: extra threads only contend for cores
    try:
        tP, tQ, tbu, tbi = params
        n = len(res)
        for _ in epochs:
            for b in torch.randperm(n, generator=gen).split(batch_size):
                ub, ib = tu[b], ti[b]
                pu, qi, bub, bib = tP[ub], tQ[ib], tbu[ub], tbi[ib]
                err = tres[b] - bub - bib - (pu * qi).sum(1)
                # The batch's share of J, scaled up to the whole data set.
                penalty = (reg * (wu[ub] * (pu * pu).sum(1) + wi[ib] * (qi * qi).sum(1))
                           + reg_bias * (wu[ub] * bub**2 + wi[ib] * bib**2))
                loss = (err**2 + penalty).sum() / n
                opt.zero_grad()
                loss.backward()
                opt.step()
            yield (*(t.detach().numpy().copy() for t in params), None)
    finally:
        torch.set_num_threads(threads)
