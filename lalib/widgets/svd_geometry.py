"""SVD geometry: a 2×2 or 3×3 matrix taken apart into its three moves, Vᵀ, Σ and U.

The reader edits the matrix (typing entries, picking a preset, or dragging
the columns ``Ae₁``, ``Ae₂`` of a 2×2), and a stage slider plays the
factorization ``A = U Σ Vᵀ`` on the unit circle (sphere): stage 0 is the
circle with the right singular vectors ``vᵢ``; stage 1 applies ``Vᵀ``, which
turns them onto the axes; stage 2 stretches axis ``i`` by ``σᵢ``; stage 3
applies ``U``, which turns (or reflects) the ellipse into place: ``A``'s image.

Convention: ``V`` is always a rotation (``det V = +1``, so stage 1 is a pure
turn) and each ``vᵢ`` has its largest entry positive, except that the last
pair is flipped when that is needed for ``det V = +1``; any reflection ``A``
contains is then carried by ``U`` (``det U = -1`` exactly when ``det A < 0``).
For a singular ``A`` (``det A = 0``) the sign of the last ``uᵢ`` (its ``σ`` is
0) is free, and it is chosen so that ``U`` is a rotation too.

:func:`describe` is the Python truth. It computes the SVD by one-sided
Jacobi rotations in plain floating point, and ``svd_geometry.js``'s
``derive`` repeats it operation for operation (only ``+ − × ÷``, ``abs`` and
``sqrt``, all correctly rounded in both languages), so the page and the
kernel agree to the last bit; ``tests/test_widgets_svd_geometry.py`` checks
them against each other on hundreds of random states and against numpy.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.validation import as_matrix
from lalib.widgets.base import BookWidget

__all__ = ["SvdGeometry", "describe", "PRESETS", "STAGES"]

#: Matrices a reader can pick with one click, each showing one way the three moves look.
PRESETS: dict[str, list[list[float]]] = {
    "stretch": [[3.0, 0.0], [4.0, 5.0]],
    "reflection": [[1.0, 2.0], [3.0, 4.0]],
    "shear": [[1.0, 1.0], [0.0, 1.0]],
    "rotation": [[0.0, -1.0], [1.0, 0.0]],
    "rank 1": [[1.0, 2.0], [0.5, 1.0]],
    "3×3": [[2.0, 1.0, 0.0], [0.0, 1.5, 0.5], [0.5, 0.0, 1.0]],
    "3×3 flat": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
}
#: What each stage shows.
STAGES = ("the unit circle x", "after Vᵀ: Vᵀx", "after Σ: ΣVᵀx", "after U: UΣVᵀx = Ax")
_TOL_REL = 1e-10  # a singular value at or below this times σ₁ counts as zero
_SWEEPS = 60


def _jacobi(B: list[list[float]]) -> tuple[list[list[float]], list[list[float]]]:
    """One-sided Jacobi: W = B V with orthogonal columns; returns (W, V) as lists of rows."""
    n = len(B)
    W = [row[:] for row in B]
    V = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]

    def rotate(M, p, q, c, sn):
        for row in M:
            x, y = row[p], row[q]
            row[p] = c * x - sn * y
            row[q] = sn * x + c * y

    for _ in range(_SWEEPS):
        rotated = False
        for p in range(n - 1):
            for q in range(p + 1, n):
                alpha = beta = gamma = 0.0
                for i in range(n):
                    alpha += W[i][p] * W[i][p]
                    beta += W[i][q] * W[i][q]
                    gamma += W[i][p] * W[i][q]
                if abs(gamma) <= 1e-15 * math.sqrt(alpha * beta):
                    continue
                rotated = True
                zeta = (beta - alpha) / (2 * gamma)
                tt = (1.0 if zeta >= 0 else -1.0) / (abs(zeta) + math.sqrt(1 + zeta * zeta))
                c = 1 / math.sqrt(1 + tt * tt)
                rotate(W, p, q, c, c * tt)
                rotate(V, p, q, c, c * tt)
        if not rotated:
            break
    return W, V


def _det(M: list[list[float]]) -> float:
    if len(M) == 2:
        return M[0][0] * M[1][1] - M[0][1] * M[1][0]
    return (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1])
            - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
            + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))


def _sign(x: float) -> float:
    """-1, 0 or 1 (of the scaled matrix's determinant: the raw one can overflow)."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _cross(a: list[float], b: list[float]) -> list[float]:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def _normalized(v: list[float]) -> list[float]:
    total = 0.0
    for x in v:
        total += x * x
    norm = math.sqrt(total)
    return [x / norm for x in v]


def describe(matrix: ArrayLike, stage: int = 3) -> dict:
    """The SVD of a 2×2 or 3×3 matrix, and the map applied up to a stage.

    Parameters
    ----------
    matrix : array_like, shape (2, 2) or (3, 3)
    stage : int
        0 (nothing applied), 1 (``Vᵀ``), 2 (``ΣVᵀ``) or 3 (``UΣVᵀ = A``).

    Returns
    -------
    dict
        ``sigma`` (decreasing), ``u`` and ``v`` (lists of the singular
        vectors ``uᵢ``, ``vᵢ``), ``rank`` (singular values above ``1e-10 σ₁``),
        ``det_u``, ``det_v`` (±1: ``-1`` is a reflection), ``det_sign`` (the
        sign of ``det A``: −1, 0 or 1), ``stage_matrix`` (the map applied so far, as rows).

    Examples
    --------
    >>> d = describe([[3, 0], [4, 5]])
    >>> [round(x, 6) for x in d["sigma"]], d["rank"], d["det_u"], d["det_v"]
    ([6.708204, 2.236068], 2, 1.0, 1.0)
    >>> describe([[1, 2], [3, 4]])["det_u"]          # det A < 0: U reflects
    -1.0
    >>> describe([[1, 2], [0.5, 1]])["det_u"]        # det A = 0: U chosen a rotation
    1.0
    >>> describe(np.zeros((3, 3)), 2)["stage_matrix"]
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    A = as_matrix(matrix, "matrix")
    if A.shape not in ((2, 2), (3, 3)):
        raise ValueError(f"matrix must be 2×2 or 3×3, got shape {A.shape}")
    if int(stage) != stage or not 0 <= stage <= 3:
        raise ValueError(f"stage must be 0, 1, 2 or 3, got {stage!r}")
    rows = [[float(x) for x in row] for row in A]
    n = len(rows)
    top = 0.0
    for row in rows:
        for x in row:
            top = max(top, abs(x))
    scale = top if top > 0 else 1.0
    # Scale first (as LAPACK does): squares of 1e160 overflow, of 1e-170 underflow.
    W, V = _jacobi([[x / scale for x in row] for row in rows])
    cols = []
    for j in range(n):
        total = 0.0
        for i in range(n):
            total += W[i][j] * W[i][j]
        cols.append((math.sqrt(total), [W[i][j] for i in range(n)], [V[i][j] for i in range(n)]))
    cols.sort(key=lambda c: -c[0])  # stable: equal singular values keep their order
    sigma = [c[0] for c in cols]
    rank = sum(1 for s in sigma if s > _TOL_REL * sigma[0]) if sigma[0] > 0 else 0
    vs = [c[2][:] for c in cols]
    us = [[x / c[0] for x in c[1]] if j < rank else None for j, c in enumerate(cols)]
    for j in range(n):  # sign: the largest entry of v_j positive (the first one on a tie)
        p = 0
        for i in range(1, n):
            if abs(vs[j][i]) > abs(vs[j][p]):
                p = i
        if vs[j][p] < 0:
            vs[j] = [-x for x in vs[j]]
            if us[j] is not None:
                us[j] = [-x for x in us[j]]
    # Complete U where σ = 0: any orthonormal completion is an SVD.
    if n == 2:
        if rank == 0:
            us = [[1.0, 0.0], [0.0, 1.0]]
        elif rank == 1:
            us[1] = [-us[0][1], us[0][0]]
    else:
        if rank == 0:
            us = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        elif rank == 1:
            u1 = us[0]
            e = 0
            for i in range(1, 3):
                if abs(u1[i]) < abs(u1[e]):
                    e = i
            d = u1[e]
            us[1] = _normalized([(1.0 if i == e else 0.0) - d * u1[i] for i in range(3)])
            us[2] = _cross(us[0], us[1])
        elif rank == 2:
            us[2] = _cross(us[0], us[1])
    # V a rotation: flip the last pair if needed (σ v uᵀ is unchanged).
    det_v = _det([[vs[j][i] for j in range(n)] for i in range(n)])
    if det_v < 0:
        vs[n - 1] = [-x for x in vs[n - 1]]
        us[n - 1] = [-x for x in us[n - 1]]
    # det A = 0: the last u (its σ is 0) is a free completion, so its sign is chosen to make U a
    # rotation too: "rotation, scaling, rotation" exactly when det A >= 0 (chapter 7).
    if rank < n and _det([[us[j][i] for j in range(n)] for i in range(n)]) < 0:
        us[n - 1] = [-x for x in us[n - 1]]
    Vm = [[vs[j][i] for j in range(n)] for i in range(n)]
    Um = [[us[j][i] for j in range(n)] for i in range(n)]
    det_v = 1.0 if _det(Vm) > 0 else -1.0
    det_u = 1.0 if _det(Um) > 0 else -1.0
    sig = [s * scale for s in sigma]
    stage = int(stage)
    M = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    if stage >= 1:
        M = [[vs[i][j] for j in range(n)] for i in range(n)]  # Vᵀ: row i is v_i
    if stage >= 2:
        M = [[sig[i] * vs[i][j] for j in range(n)] for i in range(n)]
    if stage == 3:
        M = []
        for i in range(n):
            row = []
            for j in range(n):
                total = 0.0
                for k in range(n):
                    total += us[k][i] * sig[k] * vs[k][j]
                row.append(total + 0.0)
            M.append(row)
    return {"sigma": sig, "u": [[x + 0.0 for x in u] for u in us], "v": [[x + 0.0 for x in v] for v in vs],
            "rank": rank, "det_u": det_u, "det_v": det_v, "det_sign": _sign(_det([[x / scale for x in row] for row in rows])),
            "stage_matrix": [[x + 0.0 for x in row] for row in M]}


class SvdGeometry(BookWidget):
    """Play ``A = U Σ Vᵀ`` on the unit circle (sphere) of a 2×2 (3×3) matrix, stage by stage.

    Parameters
    ----------
    matrix : array_like, shape (2, 2) or (3, 3)
        The starting matrix (editable in the widget, with presets).
    stage : int
        0 to 3: how many of the moves ``Vᵀ``, ``Σ``, ``U`` are applied.

    Examples
    --------
    >>> w = SvdGeometry([[3, 0], [4, 5]])
    >>> [round(s, 3) for s in w.sigma], w.stage
    ([6.708, 2.236], 3)
    >>> w.stage = 1; [[round(x, 3) for x in row] for row in w.stage_matrix]
    [[0.707, 0.707], [-0.707, 0.707]]
    """

    _js_files = ("svd_geometry.js",)
    _static_derive = True

    matrix = t.List(t.List(t.Float())).tag(sync=True)
    stage = t.Int(3).tag(sync=True)
    # derived
    sigma = t.List(t.Float()).tag(sync=True)
    u = t.List(t.List(t.Float())).tag(sync=True)
    v = t.List(t.List(t.Float())).tag(sync=True)
    rank = t.Int(0).tag(sync=True)
    det_u = t.Float(1.0).tag(sync=True)
    det_v = t.Float(1.0).tag(sync=True)
    det_sign = t.Float(0.0).tag(sync=True)
    stage_matrix = t.List(t.List(t.Float())).tag(sync=True)

    def __init__(self, matrix: ArrayLike = PRESETS["stretch"], stage: int = 3, **kwargs):
        super().__init__(matrix=self._checked(matrix), stage=stage, **kwargs)
        self._update()

    @staticmethod
    def _checked(matrix: ArrayLike) -> list[list[float]]:
        A = as_matrix(matrix, "matrix")
        if np.iscomplexobj(A):
            raise TypeError("matrix must be real, got complex entries")
        if A.shape not in ((2, 2), (3, 3)):
            raise ValueError(f"matrix must be 2×2 or 3×3 to be drawn, got shape {A.shape}")
        return (A + 0.0).tolist()

    @t.validate("matrix")
    def _validate_matrix(self, proposal):
        return self._checked(proposal["value"])

    @t.validate("stage")
    def _validate_stage(self, proposal):
        value = proposal["value"]
        if not 0 <= value <= 3:
            raise ValueError(f"stage must be 0, 1, 2 or 3, got {value}")
        return value

    @t.observe("matrix", "stage")
    def _on_change(self, change):
        self._update()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state (see :func:`describe`).

        Examples
        --------
        >>> SvdGeometry.derive_state({"matrix": [[2, 0], [0, 1]], "stage": 3})["sigma"]
        [2.0, 1.0]
        """
        return describe(state["matrix"], state["stage"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random state as a reader makes them: grid entries, presets, rank drops, equal σ's, huge and tiny.

        Examples
        --------
        >>> sorted(SvdGeometry.random_state(np.random.default_rng(0)))
        ['matrix', 'stage']
        """
        n = int(rng.integers(2, 4))
        kind = int(rng.integers(0, 6))
        if kind == 0:
            A = np.array(list(PRESETS.values())[int(rng.integers(0, len(PRESETS)))])
        elif kind == 1:  # rank-deficient: a column a multiple of another (or zero)
            A = rng.integers(-6, 7, size=(n, n)) / 2
            A[:, -1] = A[:, 0] * int(rng.integers(-2, 3))
        elif kind == 2:  # equal singular values: a multiple of a rotation or reflection
            Q = np.linalg.qr(rng.integers(-3, 4, size=(n, n)) + 5 * np.eye(n))[0]
            A = Q * int(rng.integers(-3, 4))
        elif kind == 3:  # diagonal, zeros on it included
            A = np.diag(rng.integers(-3, 4, size=n) / 2)
        else:
            A = rng.integers(-8, 9, size=(n, n)) / 4
        if rng.random() < 0.15:
            A = A * 10.0 ** int(rng.integers(-150, 151))
        return {"matrix": (A + 0.0).tolist(), "stage": int(rng.integers(0, 4))}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state({"matrix": self.matrix, "stage": self.stage}).items():
                setattr(self, name, value)
