"""The basis explorer's Python side: describe() against lalib.linalg.coordinates and numpy.

The page's derive() is compared with describe() on random states by
tests/test_widgets_contract.py; the browser behaviour is in test_basis_explorer_browser.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lalib.linalg.coordinates import NotABasisError, basis_coordinates
from lalib.widgets.basis_explorer import TOL_REL, BasisExplorer, describe


def test_describe_agrees_with_coordinates_on_hundreds_of_random_states():
    rng = np.random.default_rng(11)
    kinds = set()
    for _ in range(600):
        state = BasisExplorer.random_state(rng)
        d = BasisExplorer.derive_state(state)
        kinds.add(d["kind"])
        B = np.column_stack([state["b1"], state["b2"]])
        x = np.array(state["x"])
        if d["kind"] == "basis":
            # Scale-free agreement with a solver (the states reach 1e±150).
            expected = basis_coordinates(B / np.abs(B).max(), x / np.abs(B).max(), tol=0)
            # Norm-wise, as the rounding error of either method is bounded: cond(B) eps ||c||.
            err = np.linalg.norm(np.subtract(d["coords"], expected))
            assert err <= 1e-12 * np.linalg.cond(B) * np.linalg.norm(expected), (state, d, expected)
            assert d["on_span"]
        else:
            assert d["coords"] == []
            if d["kind"] == "zero":
                assert not np.any(B[:, 0]) or not np.any(B[:, 1])
            else:
                assert np.any(B[:, 0]) and np.any(B[:, 1])
                with pytest.raises(NotABasisError):
                    basis_coordinates(B, x, tol=TOL_REL * np.linalg.norm(B, 2))
            # x in the span exactly when the least-squares residual vanishes (the span is a line or 0).
            if np.any(B):
                d_ = B[:, np.argmax(np.linalg.norm(B, axis=0))]
                u = x / max(np.abs(x).max(), 1e-300)
                off = abs(d_[0] * u[1] - d_[1] * u[0]) / np.linalg.norm(d_)
                assert d["on_span"] == (off <= 1e-9 * max(np.linalg.norm(u), 1e-300) or not np.any(x)) or off < 1e-6
            else:
                assert d["on_span"] == (not np.any(x))
        json.dumps(d, allow_nan=False)  # plain JSON: no inf or nan ever reaches the page
    assert kinds >= {"basis", "parallel", "zero"}


@pytest.mark.parametrize("b1, b2, x, kind, coords, on_span", [
    ([2, 1], [1, 1], [3, 1], "basis", [2, -1], True),
    ([1, 0], [0, 1], [-4, 2.5], "basis", [-4, 2.5], True),
    ([1, 2], [2, 4], [1, 0], "parallel", [], False),
    ([1, 2], [-0.5, -1], [3, 6], "parallel", [], True),
    ([0, 0], [1, 1], [2, 2], "zero", [], True),
    ([0, 0], [0, 0], [0, 0], "zero", [], True),
    ([0, 0], [0, 0], [1, 0], "zero", [], False),
    ([1e200, 0], [0, 1e200], [3e200, -1e200], "basis", [3, -1], True),
    ([1e-200, 2e-200], [2e-200, 4e-200], [1, 2], "parallel", [], True),
    ([1e-300, 0], [0, 1e-300], [1e300, 0], "huge", [], True),
])
def test_describe_special_states(b1, b2, x, kind, coords, on_span):
    d = describe(b1, b2, x)
    assert d["kind"] == kind and d["on_span"] == on_span
    np.testing.assert_allclose(d["coords"], coords, rtol=1e-12)


def test_widget_updates_when_a_vector_changes_and_refuses_bad_input():
    w = BasisExplorer([2, 1], [1, 1], [3, 1])
    assert (w.kind, w.coords) == ("basis", [2.0, -1.0])
    w.b2 = [-4, -2]
    assert (w.kind, w.coords, w.on_span) == ("parallel", [], False)
    w.x = [6, 3]
    assert w.on_span
    with pytest.raises(ValueError, match="b1 must be a vector of the plane"):
        w.b1 = [1, 2, 3]
    with pytest.raises(ValueError, match="finite"):
        BasisExplorer([np.nan, 1], [1, 1], [0, 0])
    with pytest.raises(TypeError, match="real numbers"):
        BasisExplorer([1j, 1], [1, 1], [0, 0])
    assert w.b1 == [2.0, 1.0]  # a refused value leaves the state as it was


def test_payload_is_small():
    w = BasisExplorer.example()
    assert len(json.dumps(w.static_state())) < 1000
    assert len(w.static_html().encode()) < 200_000
