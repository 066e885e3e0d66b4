"""lalib.exceptions and the scikit-learn estimator contract of lalib's models."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.base import clone

from lalib.exceptions import ConvergenceWarning, NotFittedError
from lalib.faces import Eigenfaces, FaceDetector
from lalib.linalg import ConvergenceWarning as linalg_ConvergenceWarning
from lalib.linalg import power_iteration
from lalib.pca import PCA
from lalib.recsys import BiasBaseline, GlobalMean, MatrixFactorization

ESTIMATORS = [
    PCA(n_components=2, svd_solver="randomized", random_state=np.random.default_rng(0)),
    Eigenfaces(n_components=3),
    FaceDetector(n_components=3, normalize=False, cv=4, face_quantile=0.9),
    GlobalMean(rating_scale=(1, 5)),
    BiasBaseline(reg=2.0, n_epochs=3),
    MatrixFactorization(n_components=4, reg=1.0, method="sgd", n_epochs=7, random_state=3),
]


def test_not_fitted_error_is_scikit_learns_and_the_old_runtime_error():
    assert issubclass(NotFittedError, sklearn.exceptions.NotFittedError)
    assert issubclass(NotFittedError, RuntimeError)  # recsys raised RuntimeError before


@pytest.mark.parametrize("call", [
    lambda: PCA().transform([[1.0]]),
    lambda: Eigenfaces().project(np.ones((1, 2, 2))),
    lambda: FaceDetector().predict(np.ones((1, 2, 2))),
    lambda: GlobalMean().predict([1], [1]),
    lambda: MatrixFactorization().recommend(1),
])
def test_every_estimator_raises_lalibs_not_fitted_error(call):
    with pytest.raises(NotFittedError, match="not fitted"):
        call()


def test_convergence_warning_is_scikit_learns_and_is_what_linalg_warns():
    assert issubclass(ConvergenceWarning, sklearn.exceptions.ConvergenceWarning)
    assert linalg_ConvergenceWarning is ConvergenceWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        power_iteration(np.diag([1.0, -1.0]), max_iter=5, random_state=0)  # tied |λ|: no gap
    assert [w.category for w in caught] == [ConvergenceWarning]
    # Code written for scikit-learn silences it the scikit-learn way.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=sklearn.exceptions.ConvergenceWarning)
        power_iteration(np.diag([1.0, -1.0]), max_iter=5, random_state=0)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_sklearn_clone_copies_every_parameter_and_no_fitted_state(estimator):
    params = estimator.get_params()
    assert params  # every constructor argument is a parameter
    copy = clone(estimator)
    assert type(copy) is type(estimator) and copy is not estimator
    for name, value in params.items():
        got = copy.get_params()[name]
        if isinstance(value, np.random.Generator):  # deep-copied: same state, new object
            assert got is not value and got.random() == value.random()
        else:
            assert got == value, name
    assert clone(copy.set_params(**params)).get_params().keys() == params.keys()


def test_clone_of_a_fitted_estimator_is_unfitted():
    pca = PCA(n_components=1).fit([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    with pytest.raises(NotFittedError):
        clone(pca).transform([[0.0, 0.0]])


def test_data_file_error_has_one_home_and_keeps_its_old_import_path():
    from lalib import exceptions, movielens

    assert movielens.DataFileError is exceptions.DataFileError
    assert issubclass(exceptions.DataFileError, ValueError)
