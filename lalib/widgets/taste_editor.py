"""Taste editor: rate movies in a small users × movies grid and watch ALS complete it.

The reader sets or clears ratings (1 to 5 stars) in the grid, picks whose
recommendations to see, the ridge penalty and the number of ALS sweeps. The
kernel side runs :func:`lalib.recsys.teaching.taste_als` (biased ALS, rank 2,
built on :func:`lalib.recsys.als_step`); in the static book ``taste_editor.js``
runs the same sweeps in the page. Both show the completed grid, the chosen
user's top recommendations and a 2-D map of the movies' factor vectors with
the user's vector.
"""

from __future__ import annotations

import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

from lalib.recsys.teaching import taste_als
from lalib.widgets.base import BookWidget

__all__ = ["TasteEditor", "describe", "RANK", "REGS", "MAX_SWEEPS", "MOVIES", "USERS", "RATINGS"]

RANK = 2  # two taste dimensions: what a flat map can show
REGS = (0.1, 0.3, 1.0, 3.0, 10.0)  # the penalties the reader can pick
MAX_SWEEPS = 30
MAX_USERS, MAX_MOVIES = 10, 12
N_TOP = 3

# The book's grid: four science-fiction films, four romances; "You" has rated two.
MOVIES = ["Alien", "Blade Runner", "The Matrix", "Star Wars", "Notting Hill", "Titanic", "Pretty Woman", "Amélie"]
USERS = ["Ana", "Ben", "Chloé", "Dev", "Eli", "Fay", "You"]
RATINGS = [
    [5, 5, 4, 0, 1, 0, 2, 0],
    [4, 0, 5, 5, 0, 2, 1, 0],
    [1, 2, 0, 0, 5, 4, 0, 5],
    [0, 1, 2, 1, 4, 0, 5, 4],
    [4, 0, 4, 5, 3, 4, 0, 0],
    [0, 3, 0, 2, 0, 5, 4, 3],
    [5, 0, 0, 0, 0, 2, 0, 0],
]


def _clean(x: float) -> float:
    return float(x) + 0.0  # no -0.0 in the JSON


def describe(ratings: ArrayLike, reg: float = 1.0, sweeps: int = 10, user: int = -1) -> dict:
    """What the widget shows for a grid: ALS's completion, factors, loss and one user's top picks.

    Parameters
    ----------
    ratings : array_like of int, shape (n_users, n_movies)
        0 for "not rated", else 1 to 5.
    reg : float
        Ridge penalty on factors and biases.
    sweeps : int
        ALS sweeps (0: only the mean).
    user : int
        Whose recommendations: a row index (negative counts from the end).

    Returns
    -------
    dict
        ``mu``, ``completed``, ``user_factors``, ``item_factors``,
        ``user_bias``, ``item_bias``, ``loss`` (J after each sweep),
        ``train_rmse`` (on the known cells; 0 when none) and ``top`` (the
        user's unrated movies with the highest predictions, best first, at
        most 3; predictions equal to 9 decimals are ordered by column).

    Examples
    --------
    >>> d = describe(RATINGS, reg=1.0, sweeps=10)
    >>> [MOVIES[i] for i in d["top"]]
    ['Star Wars', 'Blade Runner', 'The Matrix']
    """
    G = np.asarray(ratings, dtype=float)
    out = taste_als(G, k=RANK, reg=reg, sweeps=sweeps)
    known = G > 0
    resid = (G - out["completed"])[known]
    u = user % len(G)
    pred = np.round(out["completed"][u], 9)
    unrated = np.flatnonzero(~known[u])
    top = unrated[np.argsort(-pred[unrated], kind="stable")][:N_TOP]
    rows = lambda A: [[_clean(x) for x in r] for r in A]  # noqa: E731
    return {
        "mu": _clean(out["mu"]),
        "completed": rows(out["completed"]),
        "user_factors": rows(out["P"]),
        "item_factors": rows(out["Q"]),
        "user_bias": [_clean(x) for x in out["bu"]],
        "item_bias": [_clean(x) for x in out["bi"]],
        "loss": [_clean(x) for x in out["loss"]],
        "train_rmse": _clean(np.sqrt(np.mean(resid**2))) if len(resid) else 0.0,
        "top": [int(i) for i in top],
    }


class TasteEditor(BookWidget):
    """A small users × movies grid the reader rates; ALS fills in the rest.

    Parameters
    ----------
    ratings : array_like of int, shape (n_users, n_movies), optional
        0 for "not rated", else 1 to 5 stars; at most 10 users and 12 movies.
        Default: the book's grid (:data:`RATINGS`).
    users, movies : list of str, optional
        Row and column names (default: :data:`USERS`, :data:`MOVIES`, or
        "user 1", "movie 1", ... for a grid of another size).
    reg : float
        Ridge penalty, one of :data:`REGS`.
    sweeps : int
        ALS sweeps, 0 to :data:`MAX_SWEEPS`.
    user : int
        The row whose recommendations are shown (default: the last, "You").

    Examples
    --------
    >>> w = TasteEditor()
    >>> [w.movies[i] for i in w.top]
    ['Star Wars', 'Blade Runner', 'The Matrix']
    >>> w.ratings = [row if i < 6 else [0] * 8 for i, row in enumerate(RATINGS)]   # "You" rates nothing
    >>> w.completed[6][0] == w.mu + w.item_bias[0]    # cold start: mean plus movie bias
    True
    """

    _js_files = ("taste_editor.js",)
    _static_derive = True

    users = t.List(t.Unicode()).tag(sync=True)
    movies = t.List(t.Unicode()).tag(sync=True)
    ratings = t.List(t.List(t.Int())).tag(sync=True)
    reg = t.Float(1.0).tag(sync=True)
    sweeps = t.Int(10).tag(sync=True)
    user = t.Int(-1).tag(sync=True)
    rank = t.Int(RANK).tag(sync=True)

    mu = t.Float(0.0).tag(sync=True)
    completed = t.List(t.List(t.Float())).tag(sync=True)
    user_factors = t.List(t.List(t.Float())).tag(sync=True)
    item_factors = t.List(t.List(t.Float())).tag(sync=True)
    user_bias = t.List(t.Float()).tag(sync=True)
    item_bias = t.List(t.Float()).tag(sync=True)
    loss = t.List(t.Float()).tag(sync=True)
    train_rmse = t.Float(0.0).tag(sync=True)
    top = t.List(t.Int()).tag(sync=True)

    def __init__(self, ratings: ArrayLike | None = None, users: list[str] | None = None,
                 movies: list[str] | None = None, reg: float = 1.0, sweeps: int = 10, user: int = -1, **kwargs):
        G = self._checked(RATINGS if ratings is None else ratings)
        n, m = len(G), len(G[0])
        users = list(users) if users is not None else (USERS if n == len(USERS) else [f"user {i + 1}" for i in range(n)])
        movies = list(movies) if movies is not None else (MOVIES if m == len(MOVIES) else [f"movie {j + 1}" for j in range(m)])
        if len(users) != n or len(movies) != m:
            raise ValueError(f"need {n} user names and {m} movie names for a {n}×{m} grid, "
                             f"got {len(users)} and {len(movies)}")
        if reg not in REGS:
            raise ValueError(f"reg must be one of {REGS}, got {reg!r}")
        if not 0 <= sweeps <= MAX_SWEEPS:
            raise ValueError(f"sweeps must be between 0 and {MAX_SWEEPS}, got {sweeps}")
        if not -n <= user < n:
            raise ValueError(f"user must index one of the {n} rows, got {user}")
        super().__init__(ratings=G, users=users, movies=movies, reg=float(reg), sweeps=int(sweeps),
                         user=int(user) % n, **kwargs)
        self._update()

    @staticmethod
    def _checked(ratings: ArrayLike) -> list[list[int]]:
        G = np.asarray(ratings)
        if G.ndim != 2 or not (1 <= G.shape[0] <= MAX_USERS and 1 <= G.shape[1] <= MAX_MOVIES):
            raise ValueError(f"ratings must be a grid of 1 to {MAX_USERS} users by 1 to {MAX_MOVIES} movies, "
                             f"got shape {G.shape}")
        if not np.issubdtype(G.dtype, np.number) or np.iscomplexobj(G):
            raise TypeError(f"ratings must be whole numbers 0 to 5, got dtype {G.dtype}")
        bad = (G != np.round(G)) | (G < 0) | (G > 5)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(f"ratings[{i}][{j}] = {G[i, j]!r}: use 0 for 'not rated' or a whole number of stars 1 to 5")
        return G.astype(int).tolist()

    @t.validate("ratings")
    def _validate_ratings(self, proposal):
        G = self._checked(proposal["value"])
        if self.users and (len(G) != len(self.users) or len(G[0]) != len(self.movies)):
            raise t.TraitError(f"ratings must keep the grid's shape {len(self.users)}×{len(self.movies)}")
        return G

    @t.validate("reg")
    def _validate_reg(self, proposal):
        if proposal["value"] not in REGS:
            raise t.TraitError(f"reg must be one of {REGS}, got {proposal['value']!r}")
        return float(proposal["value"])

    @t.validate("sweeps")
    def _validate_sweeps(self, proposal):
        if not 0 <= proposal["value"] <= MAX_SWEEPS:
            raise t.TraitError(f"sweeps must be between 0 and {MAX_SWEEPS}, got {proposal['value']}")
        return proposal["value"]

    @t.validate("user")
    def _validate_user(self, proposal):
        n = len(self.ratings) or 1
        if not 0 <= proposal["value"] < n:
            raise t.TraitError(f"user must index one of the {n} rows, got {proposal['value']}")
        return proposal["value"]

    @t.observe("ratings", "reg", "sweeps", "user")
    def _on_input(self, change):
        if self.users:  # not during __init__'s first assignment
            self._update()

    @classmethod
    def example(cls) -> TasteEditor:
        """The book's grid.

        Examples
        --------
        >>> TasteEditor.example().users[-1]
        'You'
        """
        return cls()

    @classmethod
    def derive_state(cls, state: dict) -> dict:
        """What the page's ``derive`` computes for a state.

        Examples
        --------
        >>> TasteEditor.derive_state({"ratings": [[5, 0], [0, 1]], "reg": 1.0, "sweeps": 2, "user": 0})["top"]
        [1]
        """
        return describe(state["ratings"], state["reg"], state["sweeps"], state["user"])

    @classmethod
    def random_state(cls, rng: np.random.Generator) -> dict:
        """A random grid as a reader leaves it: sparse or full, empty rows, columns or all empty.

        Examples
        --------
        >>> s = TasteEditor.random_state(np.random.default_rng(0))
        >>> s["reg"] in REGS and 0 <= s["sweeps"] <= MAX_SWEEPS
        True
        """
        n, m = int(rng.integers(1, MAX_USERS + 1)), int(rng.integers(1, MAX_MOVIES + 1))
        G = rng.integers(1, 6, size=(n, m)) * (rng.random((n, m)) < rng.uniform(0, 1))
        kind = rng.integers(0, 6)
        if kind == 0:
            G[rng.integers(0, n)] = 0  # a new user: cold start
        elif kind == 1:
            G[:, rng.integers(0, m)] = 0  # a movie nobody rated
        elif kind == 2:
            G[:] = 0
        elif kind == 3:
            G = rng.integers(1, 6, size=(n, m))
        return {"ratings": G.tolist(), "reg": float(rng.choice(REGS)), "sweeps": int(rng.integers(0, MAX_SWEEPS + 1)),
                "user": int(rng.integers(0, n)), "rank": RANK}

    def _update(self):
        with self.hold_sync():
            for name, value in self.derive_state(
                    {"ratings": self.ratings, "reg": self.reg, "sweeps": self.sweeps, "user": self.user}).items():
                setattr(self, name, value)
