"""Binary classification with a prior on the coefficients: Bayesian logistic regression."""

from __future__ import annotations

import numpy as np
from scipy import special
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import validate_data

from bayesreg._validation import check_feature_columns, check_prob
from bayesreg.data._dask import is_dask, require_dask
from bayesreg.estimators._chunked import on_row_chunks
from bayesreg.estimators.base import BayesianLinearModel
from bayesreg.inference.summaries import central_interval
from bayesreg.likelihoods import Bernoulli
from bayesreg.optimize.map import MapSolver

__all__ = ["BayesianLogisticRegression", "binary_labels"]


def binary_labels(y, owner: str, sample_weight=None) -> tuple[np.ndarray, np.ndarray]:
    """The two sorted classes of ``y`` and each row's index into them (0 or 1), or a ValueError naming ``y``: more
    than two classes (scikit-learn's wording, which its checks expect), or fewer than two (of positive weight)."""
    check_classification_targets(y)
    target_type = type_of_target(y, input_name="y", raise_unknown=True)
    if target_type not in ("binary", "unknown"):
        raise ValueError(
            f"y: Only binary classification is supported. The type of the target is {target_type} "
            f"({np.unique(y).size} classes); {owner} models two classes"
        )
    classes, labels = np.unique(y, return_inverse=True)
    present = np.unique(labels if sample_weight is None else labels[np.asarray(sample_weight) > 0])
    if present.size != 2:
        raise ValueError(
            f"y: {owner} needs samples of 2 classes{'' if sample_weight is None else ' of positive weight'}, got 1 "
            f"class: {classes[present].tolist()}"
        )
    return classes, labels


class BayesianLogisticRegression(ClassifierMixin, BayesianLinearModel):
    """Logistic regression with a prior on the coefficients: exact MAP or full posterior (Gibbs or NUTS).

    The model is

    .. math::

        y_i \\sim \\text{Bernoulli}(p_i), \\qquad \\operatorname{logit} p_i = b_0 + x_i^\\top \\beta, \\qquad
        \\beta \\sim \\text{prior}, \\qquad p(b_0) \\propto 1,

    with ``y_i = 1`` for the second of the two classes (``classes_[1]``). With ``method="map"`` the estimate
    minimizes the log loss plus the prior's penalty ``l1 ||beta||_1 + l2 ||beta||_2^2``: exactly scikit-learn's
    ``LogisticRegression(C = 1 / (l1 + 2 l2), l1_ratio = l1 / (l1 + 2 l2))`` (``prior.to_sklearn(family=
    "binomial")``, in ``equivalent_penalty_``): ``Normal(tau)`` is ``C = tau^2`` (L2), ``Laplace(b)`` is
    ``C = b`` (L1), with exact zeros. With a posterior method (``"sample"``, ``"gibbs"``, ``"nuts"``) the posterior
    is sampled and the predicted probability is averaged over it.

    Parameters
    ----------
    prior : Prior or ShrinkagePrior
        A penalty prior (``bayesreg.Normal``, ``Laplace``, ``ElasticNet``), or, with a posterior method only, a
        hierarchical one (its scale is not multiplied by a noise scale: the Bernoulli likelihood has none).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (flat prior).
    standardize : bool, default=False
        Fit on columns scaled to unit (population) standard deviation, centred when an intercept is fitted: the
        prior then acts on ``sd_j * beta_j`` (glmnet's ``standardize=TRUE``). ``coef_`` and ``intercept_`` are
        on the original scale.
    method : {"map", "sample", "gibbs", "nuts"}, default="map"
        As in :class:`~bayesreg.BayesianRegression`: ``"sample"`` draws the posterior by Gibbs sampling with
        Polya-Gamma weights (Polson, Scott & Windle 2013) for a penalty prior, ``BayesianLasso``,
        ``HierarchicalNormal``, ``Horseshoe`` or ``HorseshoePlus`` (one sweep in 5 kept), and by NUTS otherwise, or
        when the rarer class holds under 20% of the weight and the prior is not a horseshoe (the Gibbs sampler
        mixes slowly there; ``"gibbs"`` runs it anyway).
    draws, tune, chains, cores, random_seed, nuts_sampler, target_accept, progressbar, store_log_likelihood,
    store_predictive
        Sampler settings, as in :class:`~bayesreg.BayesianRegression`.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two class labels (sorted); ``classes_[1]`` is the event of probability ``p``.
    coef_ : ndarray of shape (1, n_features)
        MAP coefficients (exactly 0.0 where inactive), or posterior means; scikit-learn's layout.
    intercept_ : ndarray of shape (1,)
    coef_median_, intercept_median_ : ndarray
        Posterior medians (posterior methods only).
    map_ : MapResult
        The MAP with its certificate (``"map"`` only).
    equivalent_penalty_ : LogisticRegression or None
        Unfitted scikit-learn estimator whose solution the MAP is (``"map"`` only); with ``standardize=True``, its
        solution on the standardized columns (fit it to ``StandardScaler(with_mean=fit_intercept)``'s output).
        None for a prior with a ``penalty_factor`` (scikit-learn penalizes every coefficient alike).
    idata_, diagnostics_, sampler_, nuts_sampler_ : as in :class:`~bayesreg.BayesianRegression` (posterior methods
    only).
    model_ : pymc.Model
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    """

    def _fit(self, X, y, sample_weight=None):
        prior = self._check_common_params()
        if any(is_dask(value) for value in (X, y, sample_weight)):
            return self._fit_on_chunks(X, y, sample_weight, prior)
        check_feature_columns(X)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        classes, labels = binary_labels(y, "BayesianLogisticRegression")
        sample_weight = self._sample_weight(sample_weight, X.shape[0])
        likelihood = Bernoulli()
        likelihood.check_y(labels.astype(float), fit_intercept=self.fit_intercept, sample_weight=sample_weight)
        X_fit = self._standardize(X, sample_weight)
        self.classes_ = classes
        rm = self._build(X_fit, labels.astype(float), prior, likelihood, sample_weight=sample_weight)
        if self.method == "map":
            result, _ = MapSolver(rm).solve()
            self._set_map(result, prior)
        else:
            self._fit_posterior(rm)
            self.coef_ = self.coef_.reshape(1, -1)
            self.coef_median_ = self.coef_median_.reshape(1, -1)
            self.intercept_ = np.array([self.intercept_])
            self.intercept_median_ = np.array([self.intercept_median_])
        return self

    def _set_map(self, result, prior) -> None:
        coef = self._standardization.coef(result.coef)
        self.map_ = result
        self.coef_ = coef.reshape(1, -1)
        intercept = self._standardization.intercept(result.intercept, coef) if self.fit_intercept else 0.0
        self.intercept_ = np.array([float(intercept)])
        self.equivalent_penalty_ = self._equivalent_penalty(prior, family="binomial")

    def _fit_on_chunks(self, X, y, sample_weight, prior):
        """The MAP on Dask input (:meth:`_map_on_chunks`): the classes from one pass over ``y``, the labels lazily."""
        _, da = require_dask("BayesianLogisticRegression on Dask input")
        self._check_dask_fit(X, Bernoulli())
        if is_dask(y) and hasattr(y, "unique"):  # a Dask Series (of any label type): one pass over y
            classes = np.unique(np.asarray(y.unique().compute().tolist()))
            labels = (y == classes[-1]).astype(float).to_dask_array()
        elif is_dask(y):
            classes = np.unique(np.asarray(da.unique(y).compute().tolist()))
            labels = (y == classes[-1]).astype(float)
        else:  # labels in memory beside Dask X
            y = np.asarray(y)
            classes = np.unique(y)
            labels = (y == classes[-1]).astype(float)
        if classes.size != 2:
            raise ValueError(
                f"y: BayesianLogisticRegression needs samples of 2 classes, got {classes.size}: {classes.tolist()[:10]}"
            )
        result, _ = self._map_on_chunks(X, labels, prior, Bernoulli(), sample_weight=sample_weight)
        self.classes_ = classes
        self._set_map(result, prior)
        return self

    @on_row_chunks
    def decision_function(self, X):
        """The log odds of ``classes_[1]``: ``b0 + x' beta`` at the MAP, or its posterior mean."""
        X = self._check_predict_input(X)
        return X @ self.coef_[0] + self.intercept_[0]

    def _eta_draws(self, X) -> np.ndarray:
        """``b0_s + x' beta_s`` for every posterior draw: (S, n)."""
        beta, intercept = self._coefficient_draws()
        eta = beta @ X.T
        if intercept is not None:
            eta += intercept[:, None]
        return eta

    @on_row_chunks
    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        At the MAP the plug-in ``expit(b0 + x' beta)``; with a posterior method the posterior predictive
        probability ``E[expit(b0 + x' beta)]``, the mean over the draws (not the expit of the mean log odds). Each
        column is computed directly (``expit(-eta)`` for the first), not as one minus the other, so a probability
        near 0 keeps its digits.
        """
        X = self._check_predict_input(X)
        if hasattr(self, "idata_"):
            eta = self._eta_draws(X)
            return np.column_stack([special.expit(-eta).mean(axis=0), special.expit(eta).mean(axis=0)])
        eta = X @ self.coef_[0] + self.intercept_[0]
        return np.column_stack([special.expit(-eta), special.expit(eta)])

    @on_row_chunks
    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`, computed without underflow to ``-inf`` (``log_expit``)."""
        X = self._check_predict_input(X)
        if hasattr(self, "idata_"):
            eta = self._eta_draws(X)
            log_s = np.log(eta.shape[0])
            log_p1 = special.logsumexp(special.log_expit(eta), axis=0) - log_s
            log_p0 = special.logsumexp(special.log_expit(-eta), axis=0) - log_s
        else:
            eta = X @ self.coef_[0] + self.intercept_[0]
            log_p1, log_p0 = special.log_expit(eta), special.log_expit(-eta)
        return np.column_stack([log_p0, log_p1])

    @on_row_chunks
    def predict(self, X):
        """The class of larger probability: ``classes_[1]`` where ``p > 1/2``, ``classes_[0]`` otherwise (a tie at
        exactly 1/2 included, as in scikit-learn)."""
        positive = self.predict_proba(X)[:, 1] > 0.5
        return self.classes_[positive.astype(int)]

    @on_row_chunks
    def predict_proba_interval(self, X, prob: float = 0.9):
        """Central ``prob`` posterior interval of the probability of ``classes_[1]`` at each row of ``X``.

        The ``(1 - prob)/2`` and ``(1 + prob)/2`` quantiles of ``expit(b0_s + x' beta_s)`` over the draws
        (posterior methods only). Returns an array (n, 2).
        """
        X = self._check_predict_input(X)
        prob = check_prob(prob)
        self._require_posterior("predict_proba_interval")
        return np.column_stack(central_interval(special.expit(self._eta_draws(X)), prob))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
