"""The classification section of ``bayesreg demo``: sparse logistic regression as a Laplace prior.

On scikit-learn's breast cancer data (the ten ``mean_*`` measurements of the cell nuclei, standardized; 569
tumours, ``benign`` 1 or 0), :func:`run_classification`

1. fits ``LogisticRegression`` with an L2 and an L1 penalty of strength ``C`` and the exact MAP of their prior
   twins, ``Normal(sqrt(C))`` and ``Laplace(C)`` (:func:`bayesreg.analysis.compare`): the same coefficients to
   round-off, the L1 fit's zeros exactly 0.0;
2. samples the Laplace prior's posterior with NUTS (:class:`bayesreg.BayesianLogisticRegression`), and reports
   for a few tumours the predicted probability of ``benign`` at the MAP and under the posterior (its mean and
   central 90% interval), and for every coefficient the MAP next to the posterior (mean, median, interval,
   mass near zero).

The columns ``mean_radius``, ``mean_perimeter`` and ``mean_area`` are nearly copies of one another
(correlation > 0.99): the L1 fit keeps one and sets the others to exactly 0, while the posterior spreads the
effect over all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression

from bayesreg.analysis.compare import Comparison, compare
from bayesreg.data.datasets import load_breast_cancer
from bayesreg.estimators.classification import BayesianLogisticRegression
from bayesreg.inference.sampling import CHAINS, DRAWS, TUNE
from bayesreg.inference.summaries import central_interval
from bayesreg.likelihoods import Bernoulli
from bayesreg.priors import Laplace

__all__ = ["ClassificationSection", "run_classification", "classification_data", "C_DEFAULT", "FIGURE"]

#: LogisticRegression's C in the demo: the L1 fit keeps 4 of the 10 columns
C_DEFAULT = 0.1
#: the figure file the section adds to the demo's folder
FIGURE = "classification.png"
#: the predicted probabilities shown: the tumours whose MAP probability is nearest these
_PROBABILITY_TARGETS = (0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98)


def classification_data() -> tuple[pd.DataFrame, np.ndarray]:
    """The ten ``mean_*`` columns of the breast cancer data, centred and scaled to unit population sd, and y."""
    X, y = load_breast_cancer()
    X = X[[column for column in X.columns if column.startswith("mean_")]]
    return (X - X.mean()) / X.std(ddof=0), y.to_numpy(dtype=float)


@dataclass
class ClassificationSection:
    """What the classification section computed.

    Attributes
    ----------
    C : float
        ``LogisticRegression``'s C of both penalized fits.
    comparisons : dict of {str: Comparison}
        ``"L2"`` and ``"L1"``: the penalized fit against the exact MAP of its prior twin.
    estimator : BayesianLogisticRegression
        The Laplace prior's posterior (NUTS).
    probabilities : DataFrame
        One row per tumour shown (its row number in the data), by increasing MAP probability: ``benign`` (the
        label), ``MAP`` (the plug-in
        probability), ``mean`` (the posterior predictive probability), ``lower`` and ``upper`` (central 90%).
    coefficients : DataFrame
        One row per column: ``MAP`` (the L1 fit), ``mean``, ``median``, ``lower``, ``upper`` and ``p_near_zero``
        (posterior mass in ``|beta| <= eps``).
    eps : float
        The near-zero window: a tenth of the prior's standard deviation, ``0.1 sqrt(2) C``.
    feature : str
        The column the figure shows: among those the L1 fit sets to 0, the one with the widest posterior.
    n_samples : int
    """

    C: float
    comparisons: dict[str, Comparison]
    estimator: BayesianLogisticRegression
    probabilities: pd.DataFrame
    coefficients: pd.DataFrame
    eps: float
    feature: str
    n_samples: int

    def text(self) -> str:
        lines = [
            f"breast cancer (scikit-learn's): n={self.n_samples}, the 10 mean_* columns standardized; "
            f"LogisticRegression C={self.C:g}",
            "",
        ]
        for comparison in self.comparisons.values():
            lines += [str(comparison), ""]
        lines.append("Predicted probability of benign: at the MAP, and under the posterior (mean, central 90%):")
        lines.append(self.probabilities.to_string(float_format=lambda v: f"{v:.3f}"))
        lines += [
            "",
            f"Coefficients: the L1 fit (MAP) and the posterior; p_near_zero: mass in |beta| <= {self.eps:.3g}",
        ]
        lines.append(self.coefficients.to_string(float_format=lambda v: f"{v:.3g}"))
        row = self.coefficients.loc[self.feature]
        lines += [
            "",
            f"{self.feature}: the L1 fit sets it to exactly 0, yet its posterior mean is {row['mean']:.3g} with "
            f"90% interval [{row['lower']:.3g}, {row['upper']:.3g}] and {row['p_near_zero']:.2f} of its mass near 0: "
            "the zero is the mode's, not the posterior's.",
        ]
        return "\n".join(lines)

    def figure(self, fig: Figure) -> str:
        """Draw the section's figure into ``fig`` (two panels); returns its caption."""
        from bayesreg.viz.classification import plot_coefficient_posterior, plot_probability_intervals

        left, right = fig.subplots(1, 2, width_ratios=(1.2, 1.0))
        plot_probability_intervals(self.probabilities, label="probability that the tumour is benign", ax=left)
        map_value = float(self.coefficients.loc[self.feature, "MAP"])
        plot_coefficient_posterior(self.estimator, self.feature, eps=self.eps, map_value=map_value, ax=right)
        row = self.coefficients.loc[self.feature]
        widest = self.probabilities.assign(width=self.probabilities["upper"] - self.probabilities["lower"])
        near_half = widest["width"].idxmax()
        return (
            f"Left: the probability that a tumour is benign, for {len(self.probabilities)} tumours, at the MAP of "
            f"the Laplace prior (LogisticRegression's L1 fit, C = {self.C:g}) and under its posterior (mean and "
            f"central 90% interval): widest, {widest.loc[near_half, 'width']:.2f}, where the MAP says "
            f"{widest.loc[near_half, 'MAP']:.2f}. Right: the posterior of the coefficient of {self.feature}, which "
            f"the L1 fit sets to exactly 0: {row['p_near_zero']:.2f} of its mass lies within {self.eps:.3g} of 0 "
            f"(grey band) and its 90% interval is [{row['lower']:.3g}, {row['upper']:.3g}]."
        )


def run_classification(
    *,
    C: float = C_DEFAULT,
    draws: int = DRAWS,
    tune: int = TUNE,
    chains: int = CHAINS,
    seed: int = 0,
    progressbar: bool = False,
) -> ClassificationSection:
    """Penalized logistic fits against their priors' exact MAP, and the Laplace prior's posterior (NUTS)."""
    X, y = classification_data()
    comparisons = {
        "L2": compare(X, y, LogisticRegression(C=C, solver="newton-cholesky")),
        "L1": compare(X, y, LogisticRegression(C=C, l1_ratio=1.0, solver="saga")),
    }
    estimator = BayesianLogisticRegression(
        Laplace(C), method="nuts", draws=draws, tune=tune, chains=chains, random_seed=seed, progressbar=progressbar
    ).fit(X, y)
    map_coef = comparisons["L1"].map_coef
    map_probability = Bernoulli().mean(comparisons["L1"].map.intercept + X.to_numpy() @ map_coef)
    rows = sorted(
        {int(np.argmin(np.abs(map_probability - target))) for target in _PROBABILITY_TARGETS},
        key=lambda r: map_probability[r],
    )
    interval = estimator.predict_proba_interval(X.iloc[rows], prob=0.9)
    probabilities = pd.DataFrame(
        {
            "benign": y[rows].astype(int),
            "MAP": map_probability[rows],
            "mean": estimator.predict_proba(X.iloc[rows])[:, 1],
            "lower": interval[:, 0],
            "upper": interval[:, 1],
        },
        index=pd.Index([f"tumour {r}" for r in rows], name="row"),
    )
    draws_ = estimator.idata_["posterior"]["beta"].values.reshape(-1, X.shape[1])
    lower, upper = central_interval(draws_, 0.9)
    eps = 0.1 * Laplace(C).std()
    coefficients = pd.DataFrame(
        {
            "MAP": map_coef,
            "mean": draws_.mean(axis=0),
            "median": np.median(draws_, axis=0),
            "lower": lower,
            "upper": upper,
            "p_near_zero": np.mean(np.abs(draws_) <= eps, axis=0),
        },
        index=pd.Index(list(X.columns), name="feature"),
    )
    zeros = coefficients[coefficients["MAP"] == 0.0]
    pool = zeros if len(zeros) else coefficients
    feature = str((pool["upper"] - pool["lower"]).idxmax())
    return ClassificationSection(
        C=float(C),
        comparisons=comparisons,
        estimator=estimator,
        probabilities=probabilities,
        coefficients=coefficients + 0.0,
        eps=float(eps),
        feature=feature,
        n_samples=len(y),
    )
