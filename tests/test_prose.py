"""lalib.prose: how computed numbers read in the chapters' text."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lalib import prose


@pytest.mark.parametrize(("x", "fmt", "text"), [
    (3.0, "", "3"),
    (np.int64(-2), "", "\u22122"),
    (np.float32(0.25), "", "0.25"),
    (-0.0, "", "0"),
    (1e-16, "", "1 \u00d7 10\u207b\u00b9\u2076"),
    (2.220446049250313e-16, ".1e", "2.2 \u00d7 10\u207b\u00b9\u2076"),
    (-3.0e5, ".0e", "\u22123 \u00d7 10\u2075"),
    (-0.001, ".2f", "0.00"),
    (-0.004, ".0e", "\u22124 \u00d7 10\u207b\u00b3"),
    (786432, ",", "786,432"),
    (-1.5, ".2f", "\u22121.50"),
    (np.array(7.0), "", "7"),
])
def test_number_reads_as_in_print(x, fmt, text):
    assert prose.number(x, fmt) == text


def test_number_never_shows_an_ascii_hyphen_or_negative_zero():
    rng = np.random.default_rng(0)
    for x in rng.standard_normal(200) * 10.0 ** rng.integers(-20, 20, 200):
        for fmt in ("", ".2f", ".1e", ".3g"):
            text = prose.number(x, fmt)
            assert "-" not in text
            mantissa = text.split(" ")[0]
            # A minus sign only in front of digits that are not all zero.
            assert not (mantissa.startswith("\u2212") and set(mantissa[1:]) <= set("0."))
            # The value reads back: undo the typography and compare.
            plain = text.replace("\u2212", "-").replace(" \u00d7 10", "e").translate(
                str.maketrans("\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "-0123456789"))
            # Default format: integers exactly, others to "g"'s six digits.
            expected = float(format(x, fmt)) if fmt else x
            assert float(plain) == pytest.approx(expected, rel=0 if fmt else 1e-5, abs=0)


@pytest.mark.parametrize("bad", ["1", 1 + 2j, True, None, [1.0]])
def test_number_rejects_what_is_not_a_real_number(bad):
    with pytest.raises(TypeError, match="x must be a real number"):
        prose.number(bad)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_number_rejects_non_finite_values(bad):
    with pytest.raises(ValueError, match="x must be finite"):
        prose.number(bad)


def test_vector_and_matrix():
    assert prose.vector(np.array([-2.0, 1.0, 0.0])) == "(\u22122, 1, 0)"
    assert prose.vector(torch.tensor([0.5, -0.0])) == "(0.5, 0)"
    assert prose.vector([1 / 3, 2 / 3], ".3f") == "(0.333, 0.667)"
    assert prose.matrix(np.array([[1, 2, 3], [2, 4, 6]])) == "[[1, 2, 3], [2, 4, 6]]"
    assert prose.bmatrix([[1, -2], [0.5, 3]]) == r"\begin{bmatrix} 1 & -2 \\ 0.5 & 3 \end{bmatrix}"


@pytest.mark.parametrize(("func", "arg", "error", "message"), [
    (prose.vector, [[1, 2]], ValueError, r"v must be a vector \(1-D\), got an array of shape \(1, 2\)"),
    (prose.vector, 3.0, ValueError, r"shape \(\)"),
    (prose.vector, ["a", "b"], TypeError, "v must hold real numbers"),
    (prose.vector, [1.0, np.nan], ValueError, "must be finite"),
    (prose.matrix, [1, 2], ValueError, r"A must be a matrix \(2-D\), got an array of shape \(2,\)"),
    (prose.bmatrix, np.zeros((2, 2, 2)), ValueError, r"shape \(2, 2, 2\)"),
])
def test_arrays_of_the_wrong_kind_are_named(func, arg, error, message):
    with pytest.raises(error, match=message):
        func(arg)


def test_shape():
    assert prose.shape(np.zeros((8, 4))) == "8\u00d74"
    assert prose.shape(torch.zeros(2, 3, 5)) == "2\u00d73\u00d75"
    assert prose.shape((100,)) == "100"
    assert prose.shape([np.int64(7), 10]) == "7\u00d710"
    with pytest.raises(ValueError, match="non-negative"):
        prose.shape((3, -1))
    with pytest.raises(TypeError, match="integers"):
        prose.shape((3, 2.5))
    with pytest.raises(ValueError, match="at least one size"):
        prose.shape(())


def test_space():
    assert prose.space(3) == "\u211d\u00b3"
    assert prose.space(np.int64(100)) == "\u211d\u00b9\u2070\u2070"
    with pytest.raises(ValueError, match="non-negative"):
        prose.space(-1)
    with pytest.raises(TypeError, match="integer"):
        prose.space(2.0)


def test_percent():
    assert prose.percent(0.9) == "90%"
    assert prose.percent(0.99) == "99%"
    assert prose.percent(0.0152, 1) == "1.5%"
    assert prose.percent(-0.001) == "0%"
    with pytest.raises(ValueError, match="digits"):
        prose.percent(0.5, -1)
    with pytest.raises(TypeError, match="fraction must be a real number"):
        prose.percent("90")


def test_glue_md_requires_formatted_text():
    with pytest.raises(TypeError, match="format it with lalib.prose first"):
        prose.glue_md("x", 3.0)
