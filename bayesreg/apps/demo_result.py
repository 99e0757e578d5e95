"""What ``bayesreg demo`` computed and wrote (:class:`DemoResult`), its steps (:class:`Step`) and its printed text."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bayesreg.analysis.compare import Comparison
from bayesreg.analysis.posterior_vs_penalty import PosteriorVsPenalty
from bayesreg.apps.demo_classification import ClassificationSection
from bayesreg.inference.sampling import MAX_RHAT, MIN_ESS_PER_CHAIN

__all__ = [
    "FIGURE_TITLES",
    "REPORT_NAME",
    "DemoResult",
    "Progress",
    "Step",
    "comparison_frame",
    "max_relative_difference",
]

REPORT_NAME = "report.html"

#: What each figure shows, in a few words (the printed file list; the report has longer captions).
FIGURE_TITLES = {
    "strength.png": "cross-validated error of each penalty's exact MAP path, and the strengths chosen",
    "penalty_1d.png": "L1 vs L2 penalty on one coefficient: the kink at 0 makes exact zeros",
    "penalty_2d.png": "loss contours touching the L1 diamond and the L2 circle",
    "prior_densities.png": "Laplace and Gaussian priors of equal variance, and minus their logs (the penalties)",
    "forest.png": "posteriors of the three priors, with least squares and the penalized fits",
    "bayesian_path.png": "Gaussian prior: exact posterior along the ridge path",
    "laplace_vs_gaussian.png": "one coefficient's posterior under Laplace and Gaussian priors of equal variance",
    "classification.png": "logistic regression, Laplace prior: predicted probabilities and a zeroed coefficient",
}


@dataclass(frozen=True)
class Step:
    """One step of the demo, reported to ``progress`` when it starts and when it ends.

    Attributes
    ----------
    index, total : int
        ``index`` counts from 1.
    title : str
    seconds : float or None
        None when the step starts; its wall-clock duration when it has ended.
    """

    index: int
    total: int
    title: str
    seconds: float | None = None

    @property
    def done(self) -> bool:
        return self.seconds is not None

    def __str__(self) -> str:
        head = f"[{self.index}/{self.total}] {self.title} ..."
        return head if self.seconds is None else f"{head} {self.seconds:.1f} s"


Progress = Callable[[Step], None]


@dataclass
class DemoResult:
    """What :func:`run_demo` computed and wrote.

    Attributes
    ----------
    out : Path
        The output folder (absolute).
    settings : dict
        Data, sigma and how it was chosen, penalty strengths, NUTS settings, in display order.
    versions : dict
        Python and package versions.
    comparisons : dict of {str: Comparison}
        ``"Ridge"``, ``"Lasso"``, ``"ElasticNet"``: penalized fit vs exact MAP.
    comparison_tables : dict of {str: DataFrame}
        The same as tables: one row per coefficient and the intercept; the penalized fit,
        (Ridge) its closed form, the MAP and the difference MAP - penalized fit.
    posteriors : dict of {str: PosteriorVsPenalty}
        Per estimator: penalized fit, MAP and NUTS posterior of its prior twin.
    posterior_tables : dict of {str: DataFrame}
        ``posteriors[k].table``: penalized, map, mean, median, lower, upper (central 90%), sd,
        p_near_zero and prior_p_near_zero.
    diagnostics : DataFrame
        One row per NUTS fit: sampler, chains, draws, divergences, max r_hat, min bulk / tail ESS,
        seconds, and whether all checks passed.
    problems : list of str
        The sampler's warnings (divergences, r_hat, ESS), prefixed with the fit they concern.
    figures : dict of {str: Path}
        File name (one of :data:`FIGURES`) -> written PNG.
    captions : dict of {str: str}
        File name -> one or two sentences saying what the figure shows.
    report : Path
        The written ``report.html``.
    timings : dict of {str: float}
        Seconds per step.
    laplace_vs_gaussian_feature : str
        The coefficient of ``laplace_vs_gaussian.png``.
    notes : list of str
        Hints about the settings, e.g. a Lasso alpha that zeroes every coefficient.
    replaced : bool
        Whether the output folder held a previous run (or was empty) and was replaced.
    kept : list of str
        Files of the replaced folder that the demo does not write, copied into the new one.
    classification : ClassificationSection or None
        The classification section (breast cancer, logistic regression; :mod:`bayesreg.apps.demo_classification`),
        None when it was left out.
    strengths : DataFrame or None
        One row per penalized fit: the alpha used, whether it was given or cross-validated, the cross-validation's
        lambda.min and lambda.1se, and the cross-validated error at the alpha used and at the minimum.
    strength_fits : dict of {str: BayesianRegressionCV}
        The cross-validation of each penalty (``"Ridge"``, ``"Lasso"``, ``"ElasticNet"``).
    """

    out: Path
    settings: dict[str, object]
    versions: dict[str, str]
    comparisons: dict[str, Comparison]
    comparison_tables: dict[str, pd.DataFrame]
    posteriors: dict[str, PosteriorVsPenalty]
    posterior_tables: dict[str, pd.DataFrame]
    diagnostics: pd.DataFrame
    problems: list[str]
    figures: dict[str, Path] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    report: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    laplace_vs_gaussian_feature: str = ""
    notes: list[str] = field(default_factory=list)
    replaced: bool = False
    kept: list[str] = field(default_factory=list)
    classification: ClassificationSection | None = None
    strengths: pd.DataFrame | None = None
    strength_fits: dict = field(default_factory=dict)

    @property
    def max_relative_difference(self) -> float:
        """Largest ``|MAP - penalized fit|`` over all three fits, relative to each fit's largest coefficient."""
        return max_relative_difference(self.comparisons.values())

    @property
    def checks_passed(self) -> str:
        """What the NUTS fits passed, e.g. "no divergences, max r_hat <= 1.01, ...": meaningful when
        :attr:`problems` is empty. r_hat is claimed only when every fit has one (it needs 2 chains)."""
        rhat = pd.to_numeric(self.diagnostics.get("max r_hat", pd.Series(dtype=float)), errors="coerce")
        if len(rhat) and bool(np.all(np.isfinite(rhat.to_numpy(dtype=float)))):
            rhat_text = f"max r_hat <= {MAX_RHAT}"
        else:
            rhat_text = "r_hat not computed for every fit (it needs at least 2 chains)"
        return f"no divergences, {rhat_text}, at least {MIN_ESS_PER_CHAIN} effective draws per chain"

    def text(self) -> str:
        """The plain-text summary that ``bayesreg demo`` prints (without the final folder line)."""
        lines = [f"{key}: {value}" for key, value in self.settings.items()]
        lines += [f"note: {note}" for note in self.notes]
        if self.strengths is not None:
            lines += ["", _heading("0. Penalty strengths (5-fold cross-validation of the exact MAP path)")]
            lines.append(self.strengths.to_string(float_format=_fmt))
        lines += ["", _heading("1. Penalized fits vs the exact MAP of their prior twins")]
        for comparison in self.comparisons.values():
            lines += [str(comparison), ""]
        lines.append(
            f"largest coefficient difference relative to the largest coefficient: {self.max_relative_difference:.2e}"
        )
        lines += ["", _heading("2. The posterior of each prior (NUTS) next to the penalized fit and the MAP")]
        for posterior in self.posteriors.values():
            lines += [str(posterior), ""]
        lines.append(
            "mean, median: posterior mean and median; lower, upper: central 90% interval; p_near_zero: "
            "posterior mass in |beta| <= eps, prior_p_near_zero: the prior's."
        )
        lines += ["", _heading("3. Sampling diagnostics")]
        lines.append(self.diagnostics.to_string(float_format=_fmt))
        if self.problems:
            lines += ["", "Problems reported by the sampler:"] + [f"  - {p}" for p in self.problems]
        else:
            lines.append(f"All fits OK: {self.checks_passed}.")
        if self.classification is not None:
            lines += ["", _heading("4. Classification: sparse logistic regression as a Laplace prior")]
            lines.append(self.classification.text())
        lines += ["", _heading("5. Files" if self.classification is not None else "4. Files")]
        width = max(len(name) for name in [*self.figures, REPORT_NAME])
        for name in self.figures:
            lines.append(f"  {name.ljust(width)}  {FIGURE_TITLES.get(name, '')}")
        if self.report is not None:
            lines.append(f"  {REPORT_NAME.ljust(width)}  self-contained report: settings, tables, diagnostics, figures")
        if self.kept:
            lines.append(f"  kept from the replaced folder (not the demo's): {', '.join(self.kept)}")
        lines.append("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        return "\n".join(lines)


def _heading(text: str) -> str:
    return f"{text}\n{'=' * len(text)}"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def max_relative_difference(comparisons: Iterable[Comparison]) -> float:
    """Largest ``|MAP - penalized fit|`` over the comparisons, each relative to its fit's largest coefficient.

    A fit whose coefficients are all zero contributes its absolute difference. 0 for no comparisons.
    """
    worst = 0.0
    for c in comparisons:
        largest = float(np.max(np.abs(c.penalty_coef), initial=0.0))
        diff = float(np.max(np.abs(c.difference), initial=0.0))
        worst = max(worst, diff / largest if largest > 0 else diff)
    return worst


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """A :class:`~bayesreg.analysis.compare.Comparison` as a table (coefficients and the intercept)."""
    name = type(comparison.estimator).__name__
    index = pd.Index([*comparison.feature_names, "(intercept)"], name="feature")
    penalized = np.append(comparison.penalty_coef, comparison.penalty_intercept)
    mapped = np.append(comparison.map_coef, comparison.map.intercept)
    columns = {name: penalized}
    if comparison.closed_form is not None:
        columns["closed form"] = np.append(comparison.closed_form, comparison.closed_form_intercept)
    columns["MAP"] = mapped
    columns["difference"] = mapped - penalized
    return pd.DataFrame(columns, index=index) + 0.0  # no negative zeros
