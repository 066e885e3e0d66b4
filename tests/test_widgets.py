"""Python side of the widgets: computed state, validation, the static HTML."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lalib.linalg import null_space, rank, same_span
from lalib.widgets import MultipleChoice, NumericAnswer, RankExplorer
from lalib.widgets.base import read_js
from lalib.widgets.rank_explorer import describe

# Matrices as the widget produces them: entries on a half-integer grid.
grid_matrices = st.tuples(st.sampled_from([2, 3]), st.integers(1, 4)).flatmap(
    lambda mn: st.lists(st.lists(st.integers(-8, 8).map(lambda k: k / 2), min_size=mn[1], max_size=mn[1]),
                        min_size=mn[0], max_size=mn[0]))


@settings(max_examples=60, deadline=None)
@given(grid_matrices)
def test_describe_agrees_with_linalg(M):
    A = np.array(M)
    d = describe(A)
    assert d["rank"] == rank(A) and d["rank"] + d["nullity"] == A.shape[1]
    col, null = np.array(d["col_basis"]).reshape(-1, A.shape[0]).T, np.array(d["null_basis"]).reshape(-1, A.shape[1]).T
    assert col.shape[1] == d["rank"] and null.shape[1] == d["nullity"]
    if d["rank"]:
        assert same_span(col, A)
    if d["nullity"]:
        assert np.allclose(A @ null, 0) and same_span(null, null_space(A))


def test_special_solutions_of_the_lecture_example():
    d = describe([[1, 2, 3], [2, 4, 6]])
    # x1 = -2 x2 - 3 x3: one special solution per free variable, x2 then x3.
    assert d["null_basis"] == [[-2.0, 1.0, 0.0], [-3.0, 0.0, 1.0]]
    assert d["col_basis"] == [[1.0, 2.0]]


def test_explorer_recomputes_when_the_matrix_changes():
    w = RankExplorer([[1, 0, 1], [0, 1, 1], [1, 1, 2]])
    assert (w.rank, w.nullity) == (2, 1)
    w.matrix = [[1, 0, 1], [0, 1, 1], [1, 1, 3]]
    assert (w.rank, w.nullity, w.null_basis) == (3, 0, [])
    w.matrix = [[0, 0], [0, 0]]
    assert (w.rank, w.col_basis) == (0, [])


@pytest.mark.parametrize("bad, error, words", [
    ([[1, 2, 3]], ValueError, "2 or 3 rows"),
    ([[1] * 5, [2] * 5], ValueError, "1 to 4 columns"),
    ([[1, np.nan], [0, 1]], ValueError, "NaN"),
    ([["a", "b"], ["c", "d"]], TypeError, "numeric"),
    ([1, 2], ValueError, "2-D"),
])
def test_explorer_rejects_bad_matrices(bad, error, words):
    with pytest.raises(error, match=words):
        RankExplorer(bad)


def test_static_html_embeds_state_and_the_same_code():
    w = RankExplorer([[1, 2], [2, 4]])
    page = w._repr_mimebundle_()[0]["text/html"]
    state = json.loads(re.search(r'type="application/json" id="[^"]+">(.*?)</script>', page, re.S).group(1))
    assert state["matrix"] == [[1.0, 2.0], [2.0, 4.0]] and state["rank"] == 1
    assert "mountStatic(" in page
    for name in ("runtime.js", "linalg.js", "rank_explorer.js"):  # the live widget runs the same code
        assert read_js(name) in page and read_js(name) in w._esm
    assert read_js("widgets.css") in page
    assert not re.search(r"(src|href)=\"https?://", page)


def test_static_html_cannot_be_broken_out_of_by_state():
    q = MultipleChoice("Is </script><script>alert(1)</script> a trap?", ["yes", "no"], 0, "It is.")
    page = q.static_html()
    assert page.count("</script>") == 2 + len(q._assets) - 1  # the state's, the mount's, one per script file


@pytest.mark.parametrize("kwargs, words", [
    (dict(options=["only"], answer=0), "at least 2"),
    (dict(options=["a", "b"], answer=2), "answer must be an option index"),
    (dict(options=["a", "b"], answer=0, hints={0: "x"}), "wrong options"),
])
def test_multiple_choice_validation(kwargs, words):
    with pytest.raises(ValueError, match=words):
        MultipleChoice("Q?", explanation="E.", **kwargs)


def test_numeric_answer_validation():
    with pytest.raises(ValueError, match="answer must be a finite number"):
        NumericAnswer("Q?", answer=float("nan"), explanation="E.")
    with pytest.raises(ValueError, match="tol"):
        NumericAnswer("Q?", answer=1, explanation="E.", tol=-1)


def test_dollar_math_becomes_the_delimiters_mathjax_reads():
    q = MultipleChoice("Rank of $uv^\\top$? (costs \\$5)", ["$0$", "$1$"], 1, "See $u$.")
    assert q.prompt == "Rank of \\(uv^\\top\\)? (costs $5)"
    assert q.options == ["\\(0\\)", "\\(1\\)"] and q.explanation == "See \\(u\\)."
