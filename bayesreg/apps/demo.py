"""The guided tour behind ``bayesreg demo``: penalties, their prior twins, MAP and posterior, figures, a report.

:func:`run_demo` takes one data set and, at a fixed noise scale ``sigma``,

1. fits scikit-learn's ``Ridge``, ``Lasso`` and ``ElasticNet`` and the exact MAP of the equivalent
   prior (:func:`bayesreg.analysis.compare`): the same coefficients to round-off, with the MAP's optimality
   certificate;
2. samples the posterior of each of the three priors with NUTS and lines it up against the
   penalized fit and the MAP (:func:`bayesreg.analysis.posterior_vs_penalty`): posterior mean, median,
   central 90% interval and the mass near zero;
3. samples a Gaussian prior of the Laplace prior's variance, for the picture of one coefficient
   under both;
4. runs the classification section (:mod:`bayesreg.apps.demo_classification`: logistic regression on
   scikit-learn's breast cancer data, L2 and L1 against the exact MAP, the Laplace prior's posterior);
5. draws the figures of :mod:`bayesreg.viz` into PNG files with the fixed names of
   :data:`FIGURES`, and writes a self-contained ``report.html`` (:mod:`bayesreg.apps.report`).

The files are written into a hidden folder next to the output folder, which is renamed into place
only when everything is written: the output folder holds one complete run, and an interrupted or
failed run (Ctrl-C included) leaves no trace and an existing folder untouched.

Everything it computed comes back in a :class:`DemoResult`; :meth:`DemoResult.text` is what the
command prints.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import shutil
import signal
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

from bayesreg._files import replace_folder
from bayesreg._validation import (
    check_bool,
    check_count,
    check_feature_columns,
    check_l1_ratio,
    check_positive,
    check_regression_data,
)
from bayesreg.analysis.compare import Comparison, compare
from bayesreg.analysis.posterior_vs_penalty import PosteriorVsPenalty, posterior_vs_penalty
from bayesreg.apps.demo_classification import run_classification
from bayesreg.apps.demo_result import (
    FIGURE_TITLES,
    REPORT_NAME,
    DemoResult,
    Progress,
    Step,
    comparison_frame,
    max_relative_difference,
)
from bayesreg.apps.report import is_report, write_report
from bayesreg.data.design import Scaling
from bayesreg.data.noise import estimate_noise_scale
from bayesreg.estimators.cv import BayesianRegressionCV
from bayesreg.estimators.regression import BayesianRegression
from bayesreg.inference.sampling import CHAINS, DRAWS, TUNE, SamplingWarning, check_run_length
from bayesreg.optimize.paths import alpha_grid
from bayesreg.priors import equal_variance_priors, from_sklearn

__all__ = [
    "DEFAULTS",
    "FIGURES",
    "FIGURE_TITLES",
    "REPORT_NAME",
    "DemoResult",
    "Progress",
    "Step",
    "check_out",
    "check_settings",
    "comparison_frame",
    "default_out",
    "max_relative_difference",
    "prepare_data",
    "residual_sd",
    "run_demo",
    "standardize_columns",
]

#: The figure files the demo writes, in the order of the report. The names are an interface: the
#: README embeds these files from a folder the demo generated (docs/figures/).
FIGURES: tuple[str, ...] = (
    "strength.png",
    "penalty_1d.png",
    "penalty_2d.png",
    "prior_densities.png",
    "forest.png",
    "bayesian_path.png",
    "laplace_vs_gaussian.png",
    "classification.png",
)

#: Default settings of :func:`run_demo` and of ``bayesreg demo``. Penalty strengths: ``"cv"`` chooses each by
#: :data:`CV_FOLDS`-fold cross-validation of its exact MAP path (:class:`~bayesreg.BayesianRegressionCV`,
#: ``lambda.min``); a number is used as given. NUTS: 4 chains of 1000 draws after 1000 tuning steps each (PyMC's own
#: defaults). Measured on diabetes, 2 shared cores (2026-11-21): 18-31 s with warm PyTensor / Numba
#: caches, 86-213 s from empty caches (first compilation), depending on the machine's load.
DEFAULTS: dict[str, float | int | str] = {
    "alpha": "cv",
    "ridge_alpha": "cv",
    "l1_ratio": 0.5,
    "draws": DRAWS,
    "tune": TUNE,
    "chains": CHAINS,
    "seed": 0,
}

#: Folds of the cross-validation that chooses a strength given as "cv" (KFold without shuffling, as LassoCV's cv=5).
CV_FOLDS = 5
#: The demo's ridge grid: from alpha_grid's top (1e3 times the mean eigenvalue of X'X) down by this factor, two
#: decades further than alpha_grid's 1e-6: on standardized diabetes the ridge's best alpha lies below that
RIDGE_GRID_SPAN = 1e-8

#: Central credible interval of the posterior tables and the forest plot.
PROB = 0.9

#: The penalized estimators, in the order of every table, and the name of their prior twin.
PRIOR_OF = {"Ridge": "Gaussian", "Lasso": "Laplace", "ElasticNet": "elastic-net"}

#: Steps reported to ``progress`` (their number is part of each message: "[3/7] ..."), and their
#: short names in :attr:`DemoResult.timings`.
_STEPS = (
    ("Strengths: 5-fold cross-validation of the exact MAP paths", "CV"),
    ("Penalized fits vs exact MAP (Ridge, Lasso, ElasticNet)", "MAP"),
    ("NUTS: Gaussian prior (Ridge's twin)", "NUTS Gaussian"),
    ("NUTS: Laplace prior (Lasso's twin)", "NUTS Laplace"),
    ("NUTS: elastic-net prior (ElasticNet's twin)", "NUTS elastic net"),
    ("NUTS: Gaussian prior of the Laplace prior's variance", "NUTS Gaussian (Laplace's variance)"),
    ("Classification: LogisticRegression vs exact MAP, NUTS (breast cancer)", "classification"),
    ("Figures", "figures"),
    ("Report", "report"),
)

# --------------------------------------------------------------------------- settings


def _option(name: str, cli: bool) -> str:
    return "--" + name.replace("_", "-") if cli else name


def check_settings(
    *,
    alpha=DEFAULTS["alpha"],
    ridge_alpha=DEFAULTS["ridge_alpha"],
    l1_ratio=DEFAULTS["l1_ratio"],
    sigma=None,
    draws=DEFAULTS["draws"],
    tune=DEFAULTS["tune"],
    chains=DEFAULTS["chains"],
    seed=DEFAULTS["seed"],
    cli: bool = False,
) -> dict[str, object]:
    """Check every setting of the demo; return them as Python numbers.

    Raises a ValueError or TypeError naming the setting (as a command-line option with
    ``cli=True``, e.g. ``--draws``) before anything is read or compiled.
    """
    values = {
        "alpha": _check_strength(alpha, _option("alpha", cli)),
        "ridge_alpha": _check_strength(ridge_alpha, _option("ridge_alpha", cli)),
        "l1_ratio": check_l1_ratio(l1_ratio, _option("l1_ratio", cli)),
        "sigma": None if sigma is None else check_positive(sigma, _option("sigma", cli)),
    }
    names = tuple(_option(key, cli) for key in ("draws", "tune", "chains"))
    values["draws"], values["tune"], values["chains"] = check_run_length(draws, tune, chains, names=names)
    values["seed"] = check_count(seed, _option("seed", cli), minimum=0)
    if values["chains"] < 2:
        name = _option("chains", cli)
        raise ValueError(f"{name} must be >= 2: r_hat needs at least 2 chains, got {values['chains']}")
    if values["l1_ratio"] == 0:
        name = _option("l1_ratio", cli)
        raise ValueError(f"{name} must be > 0 (with 0 the elastic net is a ridge: use the Ridge fit), got 0.0")
    return values


def _check_strength(value, name: str) -> float | str:
    """A penalty strength: ``"cv"`` (chosen by :data:`CV_FOLDS`-fold cross-validation) or a positive number."""
    if isinstance(value, str):
        if value.strip().lower() == "cv":
            return "cv"
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{name} must be a positive number or 'cv', got {value!r}") from None
    return check_positive(value, name)


def choose_strengths(X, y, settings: dict, sigma: float) -> tuple[dict, pd.DataFrame, dict]:
    """Settings with every ``"cv"`` strength replaced by :class:`~bayesreg.BayesianRegressionCV`'s ``lambda.min``
    (:data:`CV_FOLDS` folds, the exact MAP path), and the cross-validation of each penalty with its table.

    The three penalties are cross-validated whether or not their strength was given, so the report can show where a
    given strength lies on the curve. ``settings["alpha"]`` is the Lasso's, ``settings["enet_alpha"]`` the
    ElasticNet's (the same given number, or each its own cross-validated one). Each ``prior_`` is stated at the demo's
    fixed ``sigma``."""
    chosen = dict(settings)
    fits, rows = {}, []
    for name, penalty, key in (
        ("Ridge", "ridge", "ridge_alpha"),
        ("Lasso", "lasso", "alpha"),
        ("ElasticNet", "elasticnet", "alpha"),
    ):
        # Ridge's alpha is on the sum of squares: its optimum can lie far below the lasso-style grid's lower end
        grid = None
        if penalty == "ridge":
            top = float(alpha_grid(X, y, penalty="ridge", n_alphas=2)[0])
            grid = np.geomspace(top, top * RIDGE_GRID_SPAN, 100)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"alpha_=.* strength of the grid")  # said in the table
            fit = BayesianRegressionCV(
                penalty, l1_ratio=settings["l1_ratio"], cv=CV_FOLDS, sigma=sigma, alphas=grid
            ).fit(X, y)
        fits[name] = fit
        given = settings[key]
        used = fit.alpha_ if given == "cv" else float(given)
        chosen["enet_alpha" if name == "ElasticNet" else key] = used
        edge = fit.alpha_ in (fit.alphas_[0], fit.alphas_[-1])
        inside = fit.alphas_[-1] <= used <= fit.alphas_[0]
        log_grid = np.log(fit.alphas_[::-1])
        notes = ["CV's choice at the end of the grid"] if edge else []
        notes += [] if inside else ["the given alpha is outside the grid"]
        rows.append(
            {
                "estimator": name,
                "alpha used": used,
                "from": f"{CV_FOLDS}-fold CV (lambda.min)" if given == "cv" else "given",
                "CV alpha (min)": fit.alpha_min_,
                "CV alpha (1se)": fit.alpha_1se_,
                "CV error at alpha used": float(np.interp(np.log(used), log_grid, fit.cv_mean_[::-1]))
                if inside
                else np.nan,
                "CV error (min)": float(fit.cv_mean_.min()),
                "note": "; ".join(notes),
            }
        )
    return chosen, pd.DataFrame(rows).set_index("estimator"), fits


def default_out(data_label: str) -> Path:
    """``./bayesreg-demo-<name>``: the data set's name, or the CSV file's stem."""
    stem = Path(data_label).stem if data_label not in ("diabetes", "prostate") else data_label
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._") or "data"
    return Path.cwd() / f"bayesreg-demo-{safe}"


def check_out(out, name: str = "out") -> Path:
    """The output folder as an absolute path: a new folder, an empty one, or a previous run's.

    :func:`run_demo` writes into a hidden folder next to it and renames that into place at the end,
    replacing a previous run's folder only then. Refused, with a ValueError naming ``name`` and the
    path: an existing file; a non-empty folder that is not a previous run's (no ``report.html`` of
    the demo in it), so that nothing else is ever replaced; a folder whose parent cannot be made or
    written to.
    """
    path = Path(out).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name}: {str(path)!r} exists and is not a folder")
    if path.is_dir() and not _replaceable(path):
        raise ValueError(
            f"{name}: {str(path)!r} is a folder that is not empty and not the output of a previous bayesreg demo "
            f"(it has no demo {REPORT_NAME}): give a new or empty folder"
        )
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"{name}: cannot create the folder {str(path)!r}: {str(ancestor)!r} is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(f"{name}: cannot write to {str(ancestor)!r} (permission denied)")
    return path


def _replaceable(folder: Path) -> bool:
    """An empty folder, or one with the demo's report.html in it (a previous run)."""
    try:
        empty = not any(folder.iterdir())
    except OSError:
        return False
    return empty or is_report(folder / REPORT_NAME)


class _Interrupts:
    """Ctrl-C (SIGINT) while the demo runs: noticed even where PyMC swallows it, deferred while folders swap.

    ``pm.sample`` catches KeyboardInterrupt and returns the draws made so far (or fails with "Not
    enough samples to build a trace"), so a demo relying on the exception alone would go on with a
    truncated posterior. While active (only in the main thread, and only when SIGINT has Python's
    default handler) the signal is recorded and raised as usual; :meth:`check` raises it again at
    the end of each step. Inside :meth:`deferred` it is only recorded and raised at the end, so
    the two renames that put a finished run in place are not cut in half.
    """

    def __init__(self) -> None:
        self.hit = False
        self._defer = False
        self._previous = None

    def _handler(self, signum, frame) -> None:
        self.hit = True
        if not self._defer:
            raise KeyboardInterrupt

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def check(self) -> None:
        """Raise KeyboardInterrupt if SIGINT came since the start (even if something swallowed it)."""
        if self.hit:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self._defer = True
        try:
            yield
        finally:
            self._defer = False
        self.check()


def _staging_folder(out: Path) -> tuple[Path, list[Path]]:
    """Make a new hidden folder next to ``out`` (and ``out``'s missing parents); return it and the parents made."""
    made = []
    parent = out.parent
    while not parent.exists():
        made.append(parent)
        parent = parent.parent
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
    except OSError as exc:
        _discard(None, made)
        raise ValueError(f"out: cannot create a folder next to {str(out)!r}: {exc.strerror or exc}") from None
    return staging, made


def _discard(staging: Path | None, made: list[Path]) -> None:
    """Remove an unfinished run's folder and the parents made for it (if they are empty)."""
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    for folder in made:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            break


@contextmanager
def _atomic_run(out: Path) -> Iterator[tuple[Path, _Interrupts]]:
    """A staging folder next to ``out`` and the interrupt watch; on any error or interrupt, both undone.

    The body writes into the staging folder and ends with :func:`_publish`.
    """
    staging, made = _staging_folder(out)
    try:
        with _Interrupts() as interrupts:
            yield staging, interrupts
    except BaseException:
        _discard(staging, made)
        raise


def _publish(staging: Path, out: Path, interrupts: _Interrupts) -> tuple[bool, list[str]]:
    """Rename the finished ``staging`` folder to ``out``, replacing a previous run's folder.

    Files of the previous folder that the demo does not write are copied over first (never
    deleted). Returns whether a folder was replaced and the names of the files kept.
    """
    kept: list[str] = []
    replaced = out.exists()
    if replaced:
        if not out.is_dir() or not _replaceable(out):  # it changed while the demo ran
            raise ValueError(
                f"out: {str(out)!r} changed while the demo ran and is no longer a previous run's folder; "
                "nothing was written"
            )
        ours = {*FIGURES, REPORT_NAME}
        for entry in sorted(out.iterdir()):
            if entry.name in ours:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, staging / entry.name, symlinks=True)
            else:
                shutil.copy2(entry, staging / entry.name, follow_symlinks=False)
            kept.append(entry.name)
    with interrupts.deferred():
        replace_folder(staging, out)
    return replaced, kept


def residual_sd(X, y) -> float:
    """Residual standard deviation of least squares, ``sqrt(RSS / (n - p - 1))``.

    Raises a ValueError when ``n <= p + 1`` (no degrees of freedom left to estimate it).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    dof = n - p - 1
    if dof < 1:
        raise ValueError(
            f"sigma: n_samples={n} <= n_features + 1 = {p + 1}, so least squares leaves no residual to estimate "
            "sigma from; give a fixed sigma (--sigma)"
        )
    try:
        return estimate_noise_scale(X, y).sigma
    except ValueError:
        raise ValueError(
            "sigma: least squares fits the data exactly (residual sd 0); give a fixed sigma (--sigma)"
        ) from None


def standardize_columns(X: pd.DataFrame) -> pd.DataFrame:
    """Centre every column and scale it to unit population sd (a constant column is only centred).

    The standardization of ``bayesreg demo`` and ``bayesreg compare``.
    """
    return (X - X.mean()) / X.std(ddof=0).replace(0, 1)


def _column_name(c) -> str:
    return f"x{c}" if isinstance(c, int | np.integer) and not isinstance(c, bool | np.bool_) else str(c)


def _check_X(X) -> tuple[np.ndarray, list[str]]:
    """``X`` as a 2-D numeric array (not yet checked for finiteness) and its column names."""
    if X is None:
        raise ValueError("X is required, got None")
    if isinstance(X, pd.DataFrame):
        names = [_column_name(c) for c in X.columns]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(f"X: duplicate column names {', '.join(duplicated)}")
        non_numeric = [
            name
            for name, dtype in zip(names, X.dtypes, strict=True)
            if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype)
        ]
        if non_numeric:
            raise ValueError(f"X: non-numeric columns {', '.join(non_numeric)}")
        values = X.to_numpy(dtype=float)
    else:
        try:
            values = np.asarray(X)
        except ValueError as exc:  # ragged nested sequences
            raise ValueError(f"X must be a 2-D array-like (n_samples, n_features): {exc}") from None
        if values.ndim != 2:
            hint = "; for a single feature pass X.reshape(-1, 1)" if values.ndim == 1 else ""
            raise ValueError(
                f"X must be 2-D (n_samples, n_features), got a {values.ndim}-D array of shape {values.shape}{hint}"
            )
        if values.dtype.kind == "c":
            raise ValueError("X must be real-valued, got complex values")
        if values.dtype.kind not in "biuf":
            try:
                values = values.astype(float)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"X must be numeric, got values of dtype {values.dtype}: {exc}") from None
        names = [f"x{j}" for j in range(values.shape[1])]
    n, p = values.shape
    if p == 0:
        raise ValueError(f"X has no feature columns (shape {values.shape})")
    if n < 2:
        raise ValueError(f"X must have at least 2 samples (rows), got {n}")
    return values, names


def penalty_estimators(settings: dict) -> dict:
    """The demo's fits, unfitted: ``Ridge(ridge_alpha)``, ``Lasso(alpha)``, ``ElasticNet(enet_alpha, l1_ratio)``
    (``enet_alpha`` is ``alpha`` unless :func:`choose_strengths` chose its own), numbers in ``settings``."""
    return {
        "Ridge": Ridge(alpha=settings["ridge_alpha"]),
        "Lasso": Lasso(alpha=settings["alpha"]),
        "ElasticNet": ElasticNet(alpha=settings.get("enet_alpha", settings["alpha"]), l1_ratio=settings["l1_ratio"]),
    }


def strengths_to_check(X, y, settings: dict) -> list:
    """Unfitted fits that :func:`check_penalties` checks before anything is compiled: each given strength, and for a
    ``"cv"`` one both ends of the grid it will be chosen from (a prior representable at both ends is representable
    between them: its weights are monotone in alpha)."""
    estimators = []
    for key, penalties in (("ridge_alpha", ("ridge",)), ("alpha", ("lasso", "elasticnet"))):
        for penalty in penalties:
            value = settings[key]
            ends = [value] if value != "cv" else _grid_ends(X, y, penalty, settings["l1_ratio"])
            for alpha in ends:
                numbers = {**settings, "alpha": alpha, "ridge_alpha": alpha, "enet_alpha": alpha}
                estimators.append(penalty_estimators(numbers)[_ESTIMATOR_OF[penalty]])
    return estimators


_ESTIMATOR_OF = {"ridge": "Ridge", "lasso": "Lasso", "elasticnet": "ElasticNet"}


def _grid_ends(X, y, penalty: str, l1_ratio: float) -> list[float]:
    try:
        grid = alpha_grid(X, y, penalty=penalty, l1_ratio=l1_ratio, n_alphas=100)
    except ValueError:  # no column correlates with y: the CV step says so
        return []
    return [float(grid[0]), float(grid[-1])]


def check_penalties(X, y, sigma: float, estimators) -> None:
    """Raise a ValueError naming the penalty and sigma if a prior twin at this sigma is not representable.

    Converts each scikit-learn estimator with :func:`bayesreg.from_sklearn` and checks its penalty
    weights in the MAP's working units (:class:`bayesreg.data.design.Scaling`), and for the Lasso also
    the Gaussian prior of its Laplace prior's variance (the demo's fifth fit), so that an ``--alpha``
    or ``--sigma`` float64 cannot hold is a usage error before anything is compiled.
    """
    values, target = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    scaling = Scaling.from_data(values, target, fit_intercept=True, sigma=sigma)
    for estimator in estimators:
        label = f"{type(estimator).__name__}(alpha={estimator.alpha:g}) at sigma={sigma:g}"
        try:
            prior = from_sklearn(estimator, sigma=sigma, n_samples=len(target))
            scaling.weights(prior.weights)
            if isinstance(estimator, Lasso):  # step 5's Gaussian prior of the Laplace prior's variance, 2 b^2
                normal = equal_variance_priors(2.0 * prior.scale**2)[1]
                scaling.weights(normal.weights)
        except ValueError as exc:
            raise ValueError(f"{label}: {exc}") from None


def prepare_data(
    X, y, *, standardize: bool = True, sigma: float | None = None
) -> tuple[pd.DataFrame, np.ndarray, float, str]:
    """Check the data of :func:`run_demo` and put it in the shape every step uses.

    Returns ``X`` as a float DataFrame with string column names (``x0``, ``x1``, ... for
    integer names or an array; standardized with ``standardize``), ``y`` as a float array, the
    noise scale (``sigma``, or :func:`residual_sd` when None) and how it was chosen.

    Raises a ValueError naming ``X``, ``y`` or ``sigma`` (non-numeric, not 2-D / 1-D, fewer than 2
    samples, no features, missing values, different lengths, duplicate column names, no residual
    to estimate sigma from) or a TypeError for a ``standardize`` that is not a bool.
    """
    standardize = check_bool(standardize, "standardize")
    values, names = _check_X(X)
    index = X.index if isinstance(X, pd.DataFrame) else None
    check_feature_columns(pd.DataFrame(values, columns=names, index=index))  # names a column with NaN or infinity
    values, y, _ = check_regression_data(values, y)
    y = y.astype(float)
    frame = pd.DataFrame(values, columns=names, index=index)
    if standardize:
        frame = standardize_columns(frame)
    if sigma is None:
        return frame, y, residual_sd(frame, y), "residual sd of least squares"
    return frame, y, check_positive(sigma, "sigma"), "given"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("bayesreg", "pymc", "pytensor", "arviz", "numpy", "scipy", "scikit-learn", "pandas", "matplotlib"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    try:
        out["nutpie"] = metadata.version("nutpie")
    except metadata.PackageNotFoundError:
        pass
    return out


# --------------------------------------------------------------------------- helpers


@contextmanager
def _quiet_pymc() -> Iterator[None]:
    """Silence PyMC's INFO log lines (the demo's steps say what is running) and the sampler warnings
    (the diagnostics table and ``problems`` report them)."""
    logger = logging.getLogger("pymc")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SamplingWarning)
            yield
    finally:
        logger.setLevel(level)


def _diagnostics_row(label: str, est: BayesianRegression, seconds: float) -> dict[str, object]:
    d = est.diagnostics_
    return {
        "prior": label,
        "sampler": est.nuts_sampler_,
        "chains": d.n_chains,
        "draws": d.n_draws,
        "divergences": d.n_divergences,
        "max r_hat": d.max_rhat,
        "min ESS bulk": d.min_ess_bulk,
        "min ESS tail": d.min_ess_tail,
        "seconds": seconds,
        "ok": d.ok,
    }


def _pick_feature(lasso: Comparison, normal_map: np.ndarray) -> str:
    """The coefficient where the two priors of equal variance differ most in their MAP.

    Among the coefficients the Lasso sets to exactly zero, the one whose MAP under the Gaussian
    prior of the same variance is largest; without zeros, the smallest Lasso coefficient.
    """
    coef = lasso.map_coef
    zeros = np.flatnonzero(coef == 0.0)
    j = int(zeros[np.argmax(np.abs(normal_map[zeros]))]) if zeros.size else int(np.argmin(np.abs(coef)))
    return lasso.feature_names[j]


def _notes(comparisons: dict[str, Comparison], X: pd.DataFrame, y: np.ndarray, alpha: float) -> list[str]:
    """A hint when the Lasso (and so the elastic net's L1 part) zeroes every coefficient."""
    if np.any(comparisons["Lasso"].map_coef != 0.0):
        return []
    try:
        alpha_max = float(alpha_grid(X, y, n_alphas=1)[0])
    except ValueError:  # no column correlates with y: every alpha gives zeros
        return [f"Lasso(alpha={alpha:g}) sets every coefficient to 0 on these data, as every alpha does (X'y = 0)"]
    return [
        f"Lasso(alpha={alpha:g}) sets every coefficient to 0 on these data (every alpha >= {alpha_max:.3g} does): "
        f"try a smaller --alpha, e.g. {alpha_max / 20:.2g}"
    ]


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=110, format="png")
    return path


# --------------------------------------------------------------------------- figures


def _figures(
    out: Path,
    Xs: pd.DataFrame,
    y: np.ndarray,
    result: DemoResult,
    normal: PosteriorVsPenalty,
    sigma: float,
) -> tuple[dict[str, Path], dict[str, str]]:
    """Draw every figure of :data:`FIGURES` into ``out`` (figures made without pyplot: no backend, no globals)."""
    import bayesreg.viz as plots
    from bayesreg.analysis.posterior_path import bayesian_path

    n, p = Xs.shape
    posteriors = result.posteriors
    written, captions = {}, {}

    fig = Figure(figsize=(15.0, 4.2), layout="constrained")
    for ax, (name, fit) in zip(fig.subplots(1, 3), result.strength_fits.items(), strict=True):
        plots.plot_strength_curve(fit, ax=ax)
        used = float(result.strengths.loc[name, "alpha used"])
        if result.strengths.loc[name, "from"] == "given":
            ax.axvline(used, color="k", lw=2.0, ls=":", label=f"given: {used:.3g}")
            ax.legend(fontsize="small")
        ax.set_title(f"{name}: {CV_FOLDS}-fold cross-validation")
    written["strength.png"] = _save(fig, out / "strength.png")
    captions["strength.png"] = (
        f"How strong a penalty: the {CV_FOLDS}-fold cross-validated error of the exact MAP path of each penalty "
        "(BayesianRegressionCV), with one standard error, the strength of smallest error (lambda.min, red) and the "
        "largest within one standard error of it (lambda.1se, dashed)"
        + (
            ", and a strength given on the command line (dotted)."
            if (result.strengths["from"] == "given").any()
            else ". The demo uses lambda.min."
        )
    )

    fig = Figure(figsize=(7.0, 5.0), layout="constrained")
    plots.plot_penalty_1d(ax=fig.add_subplot())
    written["penalty_1d.png"] = _save(fig, out / "penalty_1d.png")
    captions["penalty_1d.png"] = (
        "One coefficient, the same lambda for both penalties: the L1 objective has a kink at 0 and its minimum "
        "sits exactly there when the loss's slope at 0 is smaller than lambda; the L2 objective is smooth and "
        "only shrinks the estimate towards 0."
    )

    fig = Figure(figsize=(6.0, 6.0), layout="constrained")
    plots.plot_penalty_2d(ax=fig.add_subplot())
    written["penalty_2d.png"] = _save(fig, out / "penalty_2d.png")
    captions["penalty_2d.png"] = (
        "Two coefficients: the smallest loss contour touches the L1 diamond at a corner (one coefficient exactly "
        "0) and the L2 circle at a point where neither is 0."
    )

    fig = Figure(figsize=(11.0, 4.5), layout="constrained")
    plots.plot_prior_densities(ax=fig.subplots(1, 2))
    written["prior_densities.png"] = _save(fig, out / "prior_densities.png")
    captions["prior_densities.png"] = (
        "The priors behind the penalties, at equal variance: the Laplace density is peaked at 0 with heavier "
        "tails; minus its log is |w|/b plus a constant (the L1 penalty), the Gaussian's w^2/(2v) (the L2 penalty)."
    )

    fits = {f"{PRIOR_OF[k]} prior": pvp.nuts_estimator for k, pvp in posteriors.items()}
    penalized = {k: pvp.penalized for k, pvp in posteriors.items()}
    ols = LinearRegression().fit(Xs, y)
    fig = Figure(figsize=(8.0, 1.2 + 0.75 * p), layout="constrained")
    plots.plot_forest(fits, ols=ols, penalized=penalized, prob=PROB, ax=fig.add_subplot())
    written["forest.png"] = _save(fig, out / "forest.png")
    captions["forest.png"] = (
        "Posterior median and central 90% interval of every coefficient under the three priors (NUTS), with "
        "least squares (x) and the penalized fits (grey markers, equal to the MAPs). The Lasso's zeros are not "
        "zeros of the posterior: the posterior median of a Laplace prior is not sparse."
    )

    path = bayesian_path(Xs, y, prior="normal", sigma=sigma, n_points=30, prob=(0.5, 0.9))
    fig = Figure(figsize=(12.0, 4.8), layout="constrained")
    plots.plot_bayesian_path(path, ax=fig.subplots(1, 2))
    written["bayesian_path.png"] = _save(fig, out / "bayesian_path.png")
    captions["bayesian_path.png"] = (
        "The Bayesian regularization path of the Gaussian prior, exact (conjugate posterior, no sampling): "
        "posterior median with 50% and 90% intervals against the prior scale tau, the matching Ridge alpha on "
        "top. For a Gaussian prior the posterior median, mean and MAP (circles) coincide and equal the Ridge fit "
        "(right) at every strength; the intervals show what the point estimate leaves out."
    )

    # the grey band and the masses in the caption: posterior_vs_penalty's window and table (the same draws)
    feature = result.laplace_vs_gaussian_feature
    lasso = posteriors["Lasso"]
    eps = lasso.eps
    pair = {"laplace": lasso.nuts_estimator, "normal": normal.nuts_estimator}
    fig = Figure(figsize=(12.0, 4.5), layout="constrained")
    plots.plot_laplace_vs_gaussian_posterior(Xs, y, feature, fits=pair, eps=eps, ax=fig.add_subplot())
    written["laplace_vs_gaussian.png"] = _save(fig, out / "laplace_vs_gaussian.png")
    laplace = lasso.map_estimator.prior
    laplace_row, normal_row = lasso.table.loc[feature], normal.table.loc[feature]
    lasso_map = float(laplace_row["map"])
    exact = "exactly 0, like the Lasso's" if lasso_map == 0.0 else f"{lasso_map:.3g}, the Lasso's"
    captions["laplace_vs_gaussian.png"] = (
        f"The coefficient of {feature} under the Lasso's Laplace prior (b = {laplace.scale:.3g}) and a Gaussian "
        f"prior of the same variance (sd {normal.map_estimator.prior.scale:.3g}). The Laplace MAP is {exact}; the "
        f"Gaussian MAP is {float(normal_row['map']):.3g}. Yet the Laplace posterior has "
        f"{float(laplace_row['p_near_zero']):.2f} of its mass within {eps:.3g} of 0 (grey band; the Gaussian "
        f"{float(normal_row['p_near_zero']):.2f}) and its mean is {float(laplace_row['mean']):.3g}: the MAP is the "
        "mode of the joint posterior, not a summary of this coefficient's uncertainty."
    )
    if result.classification is not None:
        fig = Figure(figsize=(12.0, 4.5), layout="constrained")
        captions["classification.png"] = result.classification.figure(fig)
        written["classification.png"] = _save(fig, out / "classification.png")
    expected = [name for name in FIGURES if name != "classification.png" or result.classification is not None]
    missing = set(expected) - set(written)
    assert not missing, f"figures not written: {sorted(missing)}"
    return {name: written[name] for name in expected}, {name: captions[name] for name in expected}


# --------------------------------------------------------------------------- the demo


def run_demo(
    X,
    y,
    *,
    out,
    data_label: str = "data",
    standardize: bool = True,
    sigma: float | None = None,
    alpha: float = DEFAULTS["alpha"],
    ridge_alpha: float = DEFAULTS["ridge_alpha"],
    l1_ratio: float = DEFAULTS["l1_ratio"],
    draws: int = DEFAULTS["draws"],
    tune: int = DEFAULTS["tune"],
    chains: int = DEFAULTS["chains"],
    seed: int = DEFAULTS["seed"],
    progressbar: bool = False,
    progress: Progress | None = None,
    classification: bool = True,
) -> DemoResult:
    """Penalized fits, their priors' exact MAP and NUTS posterior, figures and an HTML report.

    Parameters
    ----------
    X : DataFrame or array-like (n_samples, n_features)
        Numeric features; a DataFrame's column names label every table and figure.
    y : array-like (n_samples,)
    out : path
        Output folder: new, empty, or a previous run's (:func:`check_out`). Everything is written
        into a hidden folder next to it, which replaces it only at the end; on any error or
        interrupt that folder is removed and ``out`` is left as it was. Files in a previous run's
        folder that the demo does not write are kept.
    data_label : str
        Name of the data in the printed settings and the report.
    standardize : bool
        Centre the columns and scale them to unit population sd first (as ``bayesreg compare``):
        every fit, table and figure is then on that scale.
    sigma : float or None
        Fixed noise scale of every model; None takes the residual sd of least squares
        (:func:`residual_sd`).
    alpha, ridge_alpha : float or "cv"
        ``Lasso(alpha)`` and ``ElasticNet(alpha, l1_ratio)``, ``Ridge(ridge_alpha)``; ``"cv"`` (the default) chooses
        each fit's own by :data:`CV_FOLDS`-fold cross-validation of its exact MAP path (:func:`choose_strengths`).
        Either way every penalty is cross-validated, for ``strength.png`` and :attr:`DemoResult.strengths`.
    l1_ratio : float
        ``ElasticNet``'s mixing.
    draws, tune, chains, seed : int
        NUTS settings of every posterior (the sampler is the library's default choice,
        :func:`bayesreg.inference.sampling.choose_sampler`; the same seed gives the same draws). At least 2
        chains: r_hat compares chains.
    progressbar : bool
        PyMC's progress bar.
    progress : callable, optional
        Called with a :class:`Step` when each step starts and when it ends.
    classification : bool
        Add the classification section (:mod:`bayesreg.apps.demo_classification`: scikit-learn's breast cancer
        data, whatever ``X`` is; ``LogisticRegression`` L2 and L1 against the exact MAP, the Laplace prior's
        posterior with the same NUTS settings) and its figure ``classification.png``.

    Returns
    -------
    DemoResult

    Raises
    ------
    ValueError, TypeError
        On invalid settings or data, naming them, before any model is built.
    KeyboardInterrupt
        On Ctrl-C (SIGINT), also when PyMC's sampler swallowed it: at the latest when the step
        that was running ends.
    """
    settings = check_settings(
        alpha=alpha,
        ridge_alpha=ridge_alpha,
        l1_ratio=l1_ratio,
        sigma=sigma,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
    )
    out = check_out(out)
    progressbar = check_bool(progressbar, "progressbar")
    standardize = check_bool(standardize, "standardize")
    classification = check_bool(classification, "classification")
    steps = [s for s in _STEPS if classification or s[1] != "classification"]
    X, y, sigma_value, sigma_note = prepare_data(X, y, standardize=standardize, sigma=settings["sigma"])
    check_penalties(X, y, sigma_value, strengths_to_check(X, y, settings))
    n, p = X.shape
    with _atomic_run(out) as (staging, interrupts):
        step_seconds: dict[str, float] = {}
        total = len(steps)

        @contextmanager
        def step(k: int) -> Iterator[None]:
            title, short = steps[k - 1]
            if progress is not None:
                progress(Step(k, total, title))
            start = time.perf_counter()
            try:
                yield
            except Exception:
                interrupts.check()  # a failure after an interrupt that PyMC swallowed: report the interrupt
                raise
            interrupts.check()  # an interrupt that PyMC swallowed (it returns the draws made so far)
            seconds = time.perf_counter() - start
            step_seconds[short] = seconds
            if progress is not None:
                progress(Step(k, total, title, seconds))

        given = settings
        with step(1):
            settings, strengths, strength_fits = choose_strengths(X, y, given, sigma_value)
            check_penalties(X, y, sigma_value, penalty_estimators(settings).values())

        def cv_note(name: str, key: str) -> str:
            if given[key] != "cv":
                return ""
            return " (CV, at the end of its grid)" if "end of the grid" in strengths.loc[name, "note"] else " (CV)"

        display = {
            "data": f"{data_label} (n={n}, p={p}{', standardized columns' if standardize else ''})",
            "sigma": f"{sigma_value:.6g} ({sigma_note}; fixed in every model)",
            "penalties": (
                f"Ridge(alpha={settings['ridge_alpha']:.4g}){cv_note('Ridge', 'ridge_alpha')}, "
                f"Lasso(alpha={settings['alpha']:.4g}){cv_note('Lasso', 'alpha')}, "
                f"ElasticNet(alpha={settings['enet_alpha']:.4g}, l1_ratio={settings['l1_ratio']:g})"
                f"{cv_note('ElasticNet', 'alpha')}"
            ),
            "NUTS": (
                f"{settings['chains']} chains x {settings['draws']} draws after {settings['tune']} tuning steps, "
                f"seed {settings['seed']}, sampler: library default"
            ),
        }
        estimators = penalty_estimators(settings)
        nuts = {
            "draws": settings["draws"],
            "tune": settings["tune"],
            "chains": settings["chains"],
            "random_seed": settings["seed"],
            "progressbar": progressbar,
        }
        with _quiet_pymc():
            with step(2):
                comparisons = {k: compare(X, y, est, sigma=sigma_value) for k, est in estimators.items()}
            posteriors: dict[str, PosteriorVsPenalty] = {}
            rows, problems = [], []
            for k, name in enumerate(estimators, start=3):
                with step(k):
                    pvp = posterior_vs_penalty(X, y, comparisons[name].prior, sigma=sigma_value, prob=PROB, **nuts)
                pvp.table = pvp.table + 0.0  # no negative zeros
                posteriors[name] = pvp
                label = f"{PRIOR_OF[name]} prior ({name}'s twin)"
                rows.append(_diagnostics_row(label, pvp.nuts_estimator, step_seconds[steps[k - 1][1]]))
                problems += [f"{label}: {problem}" for problem in pvp.nuts_estimator.diagnostics_.problems]
            with step(6):
                b = comparisons["Lasso"].prior.scale
                normal_prior = equal_variance_priors(2.0 * b**2)[1]  # Laplace(b) has variance 2 b^2
                # the same near-zero window as the Laplace fit's, for the figure's caption
                normal = posterior_vs_penalty(
                    X, y, normal_prior, sigma=sigma_value, prob=PROB, near_zero=posteriors["Lasso"].eps, **nuts
                )
            label = "Gaussian prior, Laplace's variance"
            rows.append(_diagnostics_row(label, normal.nuts_estimator, step_seconds[steps[5][1]]))
            problems += [f"{label}: {problem}" for problem in normal.nuts_estimator.diagnostics_.problems]
            section = None
            if classification:
                with step(7):
                    section = run_classification(
                        draws=settings["draws"],
                        tune=settings["tune"],
                        chains=settings["chains"],
                        seed=settings["seed"],
                        progressbar=progressbar,
                    )
                label = "Laplace prior, logistic (breast cancer)"
                rows.append(_diagnostics_row(label, section.estimator, step_seconds["classification"]))
                problems += [f"{label}: {problem}" for problem in section.estimator.diagnostics_.problems]
            display["NUTS"] += f" ({', '.join(sorted({row['sampler'] for row in rows}))} chosen)"

            result = DemoResult(
                out=out,
                settings=display,
                versions=_versions(),
                comparisons=comparisons,
                comparison_tables={k: comparison_frame(c) for k, c in comparisons.items()},
                posteriors=posteriors,
                posterior_tables={k: pvp.table for k, pvp in posteriors.items()},
                diagnostics=pd.DataFrame(rows).set_index("prior"),
                problems=problems,
                notes=_notes(comparisons, X, y, settings["alpha"]),
                laplace_vs_gaussian_feature=_pick_feature(comparisons["Lasso"], normal.table["map"].to_numpy()),
                classification=section,
                strengths=strengths,
                strength_fits=strength_fits,
            )
            with step(total - 1):
                result.figures, result.captions = _figures(staging, X, y, result, normal, sigma_value)
        with step(total):
            result.timings = dict(step_seconds)
            write_report(result, staging / REPORT_NAME)
        result.timings = dict(step_seconds)
        result.replaced, result.kept = _publish(staging, out, interrupts)
        result.figures = {name: out / name for name in result.figures}
        result.report = out / REPORT_NAME
        return result
