"""Posterior plots: coefficients under several priors, the Bayesian path, prior vs posterior.

Built on matplotlib and ArviZ 1.x (``arviz_plots``). Every function draws on the ``ax`` it is
given (new axes from ``plt.subplots`` when None; :func:`plot_prior_posterior` lets ArviZ lay out
its own figure), returns what it drew on, labels axes and legend entries, never calls
``plt.show`` and changes no global matplotlib state. Feature names come from the DataFrame the
estimator was fitted on (``feature_names_in_``) or from the posterior's ``feature`` coordinate.

Coefficients are on the original scale of ``X`` (``BayesianRegression.coef_``'s scale), except in
:func:`plot_prior_posterior`, which shows the scale the prior acts on (standardized columns when
the estimator has ``standardize=True``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from scipy import stats
from sklearn.base import clone

from bayesreg._validation import check_positive, check_prob, check_regression_data
from bayesreg._warnings import warn
from bayesreg.analysis.posterior_path import BayesianPath
from bayesreg.analysis.posterior_vs_penalty import prior_mass_near_zero, prior_std
from bayesreg.estimators.regression import BayesianRegression
from bayesreg.inference.summaries import central_interval
from bayesreg.priors import Laplace, Normal, equal_variance_priors
from bayesreg.viz._axes import check_ax

__all__ = [
    "equal_variance_priors",
    "plot_forest",
    "plot_bayesian_path",
    "plot_prior_posterior",
    "plot_laplace_vs_gaussian_posterior",
]

ZERO_COLOR = "0.75"
OLS_MARKER = "x"
PENALIZED_MARKERS = ("D", "s", "^", "v", "P", "*")
PENALIZED_COLOR = "0.25"
NEAR_ZERO_COLOR = "0.6"


# --------------------------------------------------------------------------- helpers


def _percent(q: float) -> str:
    return f"{100.0 * q:g}%"


def _is_datatree(obj) -> bool:
    return hasattr(obj, "children") and hasattr(obj, "to_dict")


def _require_posterior(fit, name: str) -> None:
    if isinstance(fit, BayesianRegression):
        if not hasattr(fit, "idata_"):
            raise ValueError(f"{name} needs a posterior: fit the estimator with method='nuts'")
    elif not _is_datatree(fit):
        raise TypeError(f"{name} must be a fitted BayesianRegression or an ArviZ DataTree, got {type(fit).__name__}")
    elif "posterior" not in fit.children or "beta" not in fit["posterior"]:
        raise ValueError(f"{name} must hold a posterior group with the variable 'beta'")


def _feature_names(fit) -> list[str]:
    """Names from the DataFrame the estimator saw, else the posterior's ``feature`` coordinate."""
    names = getattr(fit, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    posterior = fit.idata_["posterior"] if isinstance(fit, BayesianRegression) else fit["posterior"]
    beta = posterior["beta"]
    if "feature" in beta.coords:
        return [str(n) for n in beta.coords["feature"].values]
    return [f"x{j}" for j in range(beta.shape[-1])]


def _coef_draws(fit) -> np.ndarray:
    """Posterior draws of the coefficients, (n_draws, n_features), on the original scale of X."""
    if isinstance(fit, BayesianRegression):
        return fit._draws()[0]  # divides by the standardization scale when standardize=True
    beta = fit["posterior"]["beta"]
    return beta.values.reshape(-1, beta.shape[-1])


def _coef_vector(value, p: int, name: str) -> np.ndarray:
    """A coefficient vector from an array or a fitted estimator with ``coef_``."""
    coef = getattr(value, "coef_", value)
    try:
        coef = np.asarray(coef, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of {p} coefficients or a fitted estimator, got {value!r}") from None
    if coef.size != p:
        raise ValueError(f"{name} must have {p} coefficients (one per feature), got {coef.size}")
    return coef


def _penalized_entries(penalized, p: int) -> list[tuple[str, np.ndarray]]:
    if penalized is None:
        return []
    if isinstance(penalized, Mapping):
        return [(str(label), _coef_vector(value, p, f"penalized[{label!r}]")) for label, value in penalized.items()]
    label = type(penalized).__name__ if hasattr(penalized, "coef_") else "penalized"
    return [(label, _coef_vector(penalized, p, "penalized"))]


# --------------------------------------------------------------------------- forest


def _warn_mixed_scales(fits: Mapping) -> None:
    """Warn when standardized estimators (original-scale draws) meet raw DataTrees (model-scale draws)."""
    standardized = [str(k) for k, f in fits.items() if isinstance(f, BayesianRegression) and f.standardize]
    trees = [str(k) for k, f in fits.items() if not isinstance(f, BayesianRegression)]
    if standardized and trees:
        warn(
            f"plot_forest: the scales may differ: {standardized} (BayesianRegression with standardize=True) "
            f"are drawn on the original scale of X, but the DataTrees {trees} are drawn as stored, on the "
            "model's (standardized) scale; pass the estimators instead of their idata_",
            UserWarning,
        )


def plot_forest(fits, *, ols=None, penalized=None, prob: float = 0.9, point: str = "median", ax=None) -> Axes:
    """Coefficients under several priors side by side: one row per feature, one interval per prior.

    For prior ``i`` and feature ``j`` a horizontal line spans the central ``prob`` interval
    ``[q_{(1-prob)/2}, q_{(1+prob)/2}]`` of the posterior draws of ``beta_j`` and a circle marks the
    posterior median (or mean); priors are offset vertically within a row and coloured ``C0, C1, ...``.
    OLS estimates are marked ``x`` and penalized fits with filled diamonds, squares, ... at the
    row's centre.

    Parameters
    ----------
    fits : dict of {str: BayesianRegression or DataTree}
        Label -> a NUTS-fitted estimator (its draws on the original scale of ``X``) or an ArviZ
        DataTree with ``posterior["beta"]`` (dims ``chain, draw, feature``; drawn as stored, i.e. on
        the model's scale). All must have the same features. Mixing estimators fitted with
        ``standardize=True`` and DataTrees warns (``UserWarning``): their scales may differ.
    ols : array-like or fitted estimator, optional
        OLS coefficients (anything with ``coef_`` is read through it).
    penalized : array-like, fitted estimator, or dict of {str: either}, optional
        Penalized fits (e.g. ``{"Lasso": lasso, "Ridge": ridge}``); an estimator is labelled by its
        class name.
    prob : float
        Mass of the central interval.
    point : {"median", "mean"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(fits, Mapping) or not fits:
        raise TypeError(f"fits must be a non-empty dict of label -> fitted estimator or DataTree, got {fits!r}")
    prob = check_prob(prob)
    if point not in ("median", "mean"):
        raise ValueError(f"point must be 'median' or 'mean', got {point!r}")
    for label, fit in fits.items():
        _require_posterior(fit, f"fits[{label!r}]")
    _warn_mixed_scales(fits)
    names = None
    draws = {}
    for label, fit in fits.items():
        fit_names = _feature_names(fit)
        if names is not None and fit_names != names:
            raise ValueError(f"fits[{label!r}] has features {fit_names}, the first fit has {names}")
        names = fit_names
        draws[str(label)] = _coef_draws(fit)
    p = len(names)
    ols_coef = None if ols is None else _coef_vector(ols, p, "ols")
    penalized_coefs = _penalized_entries(penalized, p)
    ax = check_ax(ax, figsize=(7.0, 1.0 + 0.55 * p * max(1, len(fits)) ** 0.5))

    rows = np.arange(p)[::-1].astype(float)  # first feature on top
    k = len(draws)
    offsets = np.linspace(0.3, -0.3, k) if k > 1 else np.zeros(1)
    ax.axvline(0.0, color=ZERO_COLOR, linewidth=0.8, zorder=0, label="_zero")
    for i, (label, beta) in enumerate(draws.items()):
        color = f"C{i % 10}"
        lower, upper = central_interval(beta, prob)
        center = np.median(beta, axis=0) if point == "median" else beta.mean(axis=0)
        y = rows + offsets[i]
        ax.hlines(y, lower, upper, color=color, linewidth=2.0, label="_interval")
        ax.plot(center, y, linestyle="none", marker="o", color=color, markersize=6, label=label, zorder=3)
    if ols_coef is not None:
        ax.plot(ols_coef, rows, linestyle="none", marker=OLS_MARKER, color="black", markersize=8, label="OLS", zorder=4)
    for m, (label, coef) in enumerate(penalized_coefs):
        marker = PENALIZED_MARKERS[m % len(PENALIZED_MARKERS)]
        ax.plot(coef, rows, linestyle="none", marker=marker, color=PENALIZED_COLOR, markersize=6, label=label, zorder=4)
    ax.set_yticks(rows, labels=names)
    ax.set_ylim(-0.6, p - 0.4)
    ax.set_xlabel("coefficient")
    ax.set_ylabel("feature")
    ax.set_title(f"posterior {point}s and {_percent(prob)} central intervals")
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- Bayesian path


def _check_two_axes(ax) -> np.ndarray:
    if ax is None:
        _, axes = plt.subplots(1, 2, figsize=(12.0, 4.8), layout="constrained")
        return np.asarray(axes, dtype=object)
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if axes.size != 2 or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"ax must be None or two matplotlib Axes (path, penalized path), got {ax!r}")
    return axes


def _select_features(path: BayesianPath, features) -> list[int]:
    if features is None:
        return list(range(len(path.feature_names)))
    out = []
    for f in features:
        if isinstance(f, int | np.integer) and not isinstance(f, bool) and 0 <= f < len(path.feature_names):
            out.append(int(f))
        elif isinstance(f, str) and f in path.feature_names:
            out.append(path.feature_names.index(f))
        else:
            raise ValueError(f"features: unknown feature {f!r}; known: {path.feature_names}")
    return out


def _resolve_penalized_path(path: BayesianPath, penalized_path) -> tuple[np.ndarray, np.ndarray]:
    """``(alphas, coefs (n_alphas, p))`` from None (the path's own) or sklearn's ``(alphas, coefs (p, n))``."""
    if penalized_path is None:
        return path.alphas, path.penalized
    try:
        alphas, coefs = penalized_path[0], penalized_path[1]
    except (TypeError, IndexError, KeyError):
        raise TypeError("penalized_path must be None or (alphas, coefs) as lasso_path returns them") from None
    alphas = np.asarray(alphas, dtype=float).reshape(-1)
    coefs = np.asarray(coefs, dtype=float)
    p = len(path.feature_names)
    if coefs.shape != (p, alphas.size):
        raise ValueError(
            f"penalized_path coefs must have shape (n_features={p}, n_alphas={alphas.size}), got {coefs.shape}"
        )
    if np.any(alphas <= 0):
        raise ValueError("penalized_path alphas must be > 0 (they are drawn on a log axis)")
    return alphas, coefs.T


def _band_alphas(n: int) -> list[float]:
    """Fill opacity per interval mass, the narrowest darkest."""
    return [0.35 - 0.2 * k / max(n - 1, 1) for k in range(n)]


def plot_bayesian_path(path: BayesianPath, *, penalized_path=None, features=None, ax=None) -> np.ndarray:
    """The Bayesian regularization path next to scikit-learn's.

    Left: for each coefficient the posterior median against the prior scale (log axis), with
    shaded central intervals (``path.prob``, e.g. 50% and 90%) and the exact MAP as open circles;
    a secondary x axis on top gives the matching scikit-learn alpha (``path.alpha_of_scale``:
    ``Lasso`` alpha ``sigma^2 / (n b)`` or ``Ridge`` alpha ``sigma^2 / tau^2``). Right: the
    penalized path (scikit-learn's ``lasso_path`` or closed-form ridge) against alpha, the alpha
    axis reversed so that weaker penalties lie to the right on both panels.

    Parameters
    ----------
    path : BayesianPath
        From :func:`bayesreg.analysis.posterior_path.bayesian_path`.
    penalized_path : (alphas, coefs), optional
        Another penalized path to draw on the right, ``coefs`` of shape ``(n_features, n_alphas)``
        as ``sklearn.linear_model.lasso_path`` returns it. Default: ``path.penalized`` at
        ``path.alphas``.
    features : sequence of str or int, optional
        Coefficients to draw (default all).
    ax : two matplotlib Axes, optional

    Returns
    -------
    ndarray of two Axes
    """
    if not isinstance(path, BayesianPath):
        raise TypeError(f"path must be a BayesianPath (from bayesian_path), got {type(path).__name__}")
    selected = _select_features(path, features)
    alphas, coefs = _resolve_penalized_path(path, penalized_path)
    axes = _check_two_axes(ax)
    left, right = axes
    prior_name, scale_symbol = ("Laplace", "b") if path.prior == "laplace" else ("Normal", "τ")
    opacities = _band_alphas(len(path.prob))
    handles = []
    for j in selected:
        color = f"C{j % 10}"
        for k in range(len(path.prob)):
            left.fill_between(
                path.scales, path.lower[k][:, j], path.upper[k][:, j], color=color, alpha=opacities[k], linewidth=0
            )
        (line,) = left.plot(path.scales, path.median[:, j], color=color, label=path.feature_names[j])
        handles.append(line)
        left.plot(
            path.scales,
            path.map_coef[:, j],
            linestyle="none",
            marker="o",
            markersize=4,
            markerfacecolor="white",
            markeredgecolor=color,
            label="_map",
            zorder=3,
        )
    handles.append(
        Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="black", label="MAP")
    )
    handles += [
        Patch(facecolor="0.4", alpha=opacities[k], label=f"{_percent(q)} central interval")
        for k, q in enumerate(path.prob)
    ]
    left.set_xscale("log")
    left.set_xlabel(f"{prior_name} prior scale {scale_symbol}")
    left.set_ylabel("coefficient (posterior median)")
    how = "exact conjugate posterior" if path.method == "exact" else "NUTS"
    left.set_title(f"{prior_name} prior: posterior along the path ({how})")
    secondary = left.secondary_xaxis("top", functions=(path.alpha_of_scale, path.scale_of_alpha))
    secondary.set_xlabel(f"{path.estimator_name} alpha (sigma={path.sigma:g}, n={path.n_samples})")
    left.legend(handles=handles, loc="best", fontsize="small")

    for j in selected:
        right.plot(alphas, coefs[:, j], color=f"C{j % 10}", label=path.feature_names[j])
    right.set_xscale("log")
    if not right.xaxis_inverted():
        right.invert_xaxis()
    right.set_xlabel(f"{path.estimator_name} alpha")
    right.set_ylabel("coefficient")
    source = "lasso_path" if path.prior == "laplace" else "Ridge (closed form)"
    right.set_title(f"scikit-learn {source}")
    right.axhline(0.0, color=ZERO_COLOR, linewidth=0.8, zorder=0, label="_zero")
    return axes


# --------------------------------------------------------------------------- prior vs posterior


def _resolve_coefficients(names: list[str], coefficients) -> list[str]:
    if coefficients is None:
        return list(names)
    if isinstance(coefficients, str | int | np.integer):
        coefficients = [coefficients]
    out = []
    for c in coefficients:
        if isinstance(c, str) and c in names:
            out.append(c)
        elif isinstance(c, int | np.integer) and not isinstance(c, bool) and 0 <= c < len(names):
            out.append(names[int(c)])
        else:
            raise ValueError(f"coefficients: unknown coefficient {c!r}; known: {names}")
    return out


def _improper_ancestors(model, name: str) -> list:
    """The free variables with an improper (flat) prior that ``model[name]``'s prior depends on."""
    import pymc as pm
    from pytensor.graph.traversal import ancestors

    flat = tuple(dist.rv_type for dist in (pm.Flat, pm.HalfFlat))
    upstream = set(ancestors([model[name]]))
    return [rv for rv in model.free_RVs if isinstance(rv.owner.op, flat) and rv in upstream]


def _conditioning(fit: BayesianRegression) -> tuple[dict, str]:
    """Values for the improper variables beta's prior depends on (their posterior medians), and how to say so."""
    posterior = fit.idata_["posterior"]
    values, parts = {}, []
    for rv in _improper_ancestors(fit.model_, "beta"):
        value = float(np.median(posterior[rv.name].values))
        values[rv.name] = value
        # the Jeffreys prior on sigma is sampled as log_sigma: say it in sigma's units
        parts.append(f"sigma = {np.exp(value):.4g}" if rv.name == "log_sigma" else f"{rv.name} = {value:.4g}")
    return values, ", ".join(parts)


def plot_prior_posterior(
    fit: BayesianRegression, *, coefficients=None, kind: str = "kde", random_seed: int | None = None, **pc_kwargs
):
    """Prior and posterior densities of chosen coefficients (``arviz_plots.plot_prior_posterior``).

    The prior is drawn from the estimator's own PyMC model with ``pm.sample_prior_predictive``
    (as many draws as the posterior has), so it is exactly the prior that was sampled: the
    coefficients together with the hyperparameters and the noise scale they depend on (e.g.
    ``lambda`` of ``BayesianLasso``, ``tau`` of the horseshoes, a ``HalfNormal`` sigma), which
    are drawn from their own priors. A variable with an improper prior cannot be drawn: the
    intercept's flat prior does not enter the coefficients' prior, but the Jeffreys prior
    ``p(sigma^2) proportional to 1 / sigma^2`` of ``BayesianLasso`` and ``BayesianElasticNet``
    with ``sigma=None`` does, and makes their marginal prior improper too. The prior shown is then
    the conditional prior given sigma at its posterior median, and the legend says so
    (``"prior | sigma = ..."``). Both are on the scale the prior acts on: standardized columns
    when the estimator has ``standardize=True``. ArviZ lays out its own figure (one panel per
    coefficient).

    Parameters
    ----------
    fit : BayesianRegression
        Fitted with ``method="nuts"``, with any prior.
    coefficients : sequence of str or int, optional
        Feature names or indices (default all).
    kind : {"kde", "hist", "ecdf"}
    random_seed : int, optional
        Seed of the prior draws.
    **pc_kwargs
        Passed to ``arviz_plots.plot_prior_posterior``: ``plot_collection`` (an existing
        ``PlotCollection`` to draw into, ArviZ's figure target in place of ``ax``) or
        ``figure_kwargs`` for the figure it makes otherwise.

    Returns
    -------
    arviz_plots.PlotCollection
        ``pc.viz["plot"]["beta"]`` holds the Axes, one per coefficient (x label ``coefficient of
        <name>``, y label ``density``); ``pc.viz["legend"]["group"]`` the legend, whose first
        entry names any conditioning.
    """
    import arviz_plots
    import pymc as pm
    import xarray as xr

    if not isinstance(fit, BayesianRegression):
        raise TypeError(f"fit must be a fitted BayesianRegression, got {type(fit).__name__}")
    _require_posterior(fit, "fit")
    if kind not in ("kde", "hist", "ecdf"):
        raise ValueError(f"kind must be 'kde', 'hist' or 'ecdf', got {kind!r}")
    names = _feature_names(fit)  # the model's "feature" coordinate carries the same names
    chosen = _resolve_coefficients(names, coefficients)
    posterior = fit.idata_["posterior"].to_dataset()[["beta"]]
    n_draws = posterior.sizes["chain"] * posterior.sizes["draw"]
    values, condition = _conditioning(fit)
    model = pm.do(fit.model_, values) if values else fit.model_
    with model, warnings.catch_warnings():
        # the elastic-net prior draws with scipy (its random function): numba runs that in object mode and
        # says so; the draws are exact all the same
        warnings.filterwarnings("ignore", message="Numba will use object mode", category=UserWarning)
        prior = pm.sample_prior_predictive(draws=n_draws, var_names=["beta"], random_seed=random_seed)
    dt = xr.DataTree.from_dict({"posterior": posterior, "prior": prior["prior"].to_dataset()[["beta"]]})
    if pc_kwargs.get("plot_collection") is None:
        cols = min(len(chosen), pc_kwargs.get("col_wrap", 4))
        rows = -(-len(chosen) // cols)
        figure_kwargs = dict(pc_kwargs.pop("figure_kwargs", None) or {})
        figure_kwargs.setdefault("figsize", (3.6 * cols + 1.2, 3.0 * rows))
        figure_kwargs.setdefault("layout", "constrained")
        pc_kwargs["figure_kwargs"] = figure_kwargs
    pc = arviz_plots.plot_prior_posterior(
        dt, var_names=["beta"], coords={"feature": chosen}, kind=kind, backend="matplotlib", **pc_kwargs
    )
    suffix = " (standardized)" if fit.standardize else ""
    plots = pc.viz["plot"]["beta"]
    for name in chosen:
        axis = plots.sel(feature=name).item()
        axis.set_xlabel(f"coefficient of {name}{suffix}")
        axis.set_ylabel("density")
    if condition:
        legend = pc.viz["legend"]["group"].item()
        for text in legend.get_texts():
            if text.get_text() == "prior":
                text.set_text(f"prior | {condition} (posterior median; its prior is improper)")
    return pc


# --------------------------------------------------------------------------- Laplace vs Gaussian


_NUTS_KEYS = (
    "draws",
    "tune",
    "chains",
    "random_seed",
    "nuts_sampler",
    "progressbar",
    "fit_intercept",
    "standardize",
)


def _fit_pair(X, y, variance, sigma, nuts_kwargs: dict) -> dict[str, BayesianRegression]:
    unknown = set(nuts_kwargs) - set(_NUTS_KEYS)
    if unknown:
        raise TypeError(f"unexpected keyword arguments {sorted(unknown)}; allowed: {list(_NUTS_KEYS)}")
    laplace, normal = equal_variance_priors(variance)
    settings = {"progressbar": False, **nuts_kwargs}
    return {
        "laplace": BayesianRegression(laplace, sigma=sigma, method="nuts", **settings).fit(X, y),
        "normal": BayesianRegression(normal, sigma=sigma, method="nuts", **settings).fit(X, y),
    }


def _check_pair(fits) -> dict[str, BayesianRegression]:
    if not isinstance(fits, Mapping) or set(fits) != {"laplace", "normal"}:
        raise TypeError("fits must be a dict with the keys 'laplace' and 'normal'")
    for key, cls in (("laplace", Laplace), ("normal", Normal)):
        fit = fits[key]
        if not isinstance(fit, BayesianRegression) or not isinstance(fit.prior, cls):
            raise TypeError(f"fits[{key!r}] must be a BayesianRegression with a {cls.__name__} prior")
        _require_posterior(fit, f"fits[{key!r}]")
    sd_l, sd_n = prior_std(fits["laplace"].prior), prior_std(fits["normal"].prior)
    if not np.isclose(sd_l, sd_n, rtol=1e-8, atol=0.0):
        raise ValueError(
            f"fits: the priors must have equal variance, got Laplace sd {sd_l:.6g} and Normal sd {sd_n:.6g} "
            "(use equal_variance_priors)"
        )
    laplace, normal = fits["laplace"], fits["normal"]
    for param in ("standardize", "fit_intercept"):
        if bool(getattr(laplace, param)) != bool(getattr(normal, param)):
            raise ValueError(
                f"fits: the two estimators must share {param}, got {getattr(laplace, param)!r} (laplace) and "
                f"{getattr(normal, param)!r} (normal)"
            )
    if not _same_sigma(laplace.sigma, normal.sigma):
        raise ValueError(
            f"fits: the two estimators must share sigma, got {laplace.sigma!r} (laplace) and {normal.sigma!r} (normal)"
        )
    if laplace.n_features_in_ != normal.n_features_in_ or _feature_names(laplace) != _feature_names(normal):
        raise ValueError(
            f"fits: the two estimators have different features: {_feature_names(laplace)} (laplace) and "
            f"{_feature_names(normal)} (normal)"
        )
    if not np.allclose(laplace._standardization.scale, normal._standardization.scale, rtol=1e-10, atol=0.0):
        raise ValueError("fits: the two estimators were standardized by different column scales (other data?)")
    return dict(fits)


def _same_sigma(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(np.isclose(float(a), float(b), rtol=1e-12, atol=0.0))


def _model_feature_names(X) -> list[str]:
    """The names a fitted ``BayesianRegression`` gives X's columns: string column names, else ``x0, x1, ...``.

    As scikit-learn's ``feature_names_in_``: only a DataFrame whose column names are all strings
    names the features.
    """
    try:
        ndim = np.ndim(X)
    except ValueError:
        ndim = -1
    if ndim != 2:
        raise ValueError(f"X must be a 2-D array-like (n_samples, n_features), got {type(X).__name__} of ndim {ndim}")
    columns = getattr(X, "columns", None)
    if columns is not None and len(columns) > 0 and all(isinstance(c, str) for c in columns):
        return [str(c) for c in columns]
    return [f"x{k}" for k in range(np.shape(X)[1])]


def _check_data_against_fit(X, y, fit: BayesianRegression) -> None:
    """X and y must be data of the shape (and feature names) the fit was fitted on."""
    names = _model_feature_names(X)
    check_regression_data(X, y)
    if len(names) != fit.n_features_in_:
        raise ValueError(
            f"X has {len(names)} features, but fits were fitted on {fit.n_features_in_}: pass the data the fits were "
            "fitted on"
        )
    fit_names = getattr(fit, "feature_names_in_", None)
    if fit_names is not None and names != [str(n) for n in fit_names]:
        raise ValueError(
            f"X has features {names}, but fits were fitted on {[str(n) for n in fit_names]}: pass the DataFrame "
            "the fits were fitted on"
        )


def _feature_index(names: list[str], feature) -> int:
    if isinstance(feature, str) and feature in names:
        return names.index(feature)
    if isinstance(feature, int | np.integer) and not isinstance(feature, bool) and 0 <= feature < len(names):
        return int(feature)
    raise ValueError(f"feature: unknown feature {feature!r}; known: {names}")


def _map_coef(fit: BayesianRegression, X, y) -> np.ndarray:
    """The exact MAP of the same model: a clone of the estimator with ``method="map"``."""
    return clone(fit).set_params(method="map").fit(X, y).coef_


def plot_laplace_vs_gaussian_posterior(
    X,
    y,
    feature,
    *,
    variance: float | None = None,
    sigma: float | None = None,
    fits=None,
    eps: float | None = None,
    bins: int = 40,
    ax=None,
    **nuts_kwargs,
) -> Axes:
    """One coefficient's posterior under a Laplace and a Gaussian prior of equal prior variance.

    With prior variance ``v`` the priors are ``Laplace(0, b = sqrt(v / 2))`` and ``N(0, sqrt(v))``.
    For each: a density histogram and a Gaussian KDE of the posterior draws of ``beta_j``, the exact
    MAP (dashed vertical line; a clone of the estimator refitted with ``method="map"``) and the
    posterior mean (dotted). A grey band marks ``|beta_j| <= eps``; the legend gives the posterior
    mass there, ``P(|beta_j| <= eps | y)`` (fraction of draws), next to the prior's.

    Parameters
    ----------
    X, y : array-like
        The data (for ``fits``: the data they were fitted on, checked against their number of
        features and feature names; the MAP is refitted on it).
    feature : str or int
        Feature name as the estimators name it (a DataFrame's string column names, otherwise
        ``"x0"``, ``"x1"``, ...) or column index.
    variance : float
        Common prior variance (with ``sigma``; the pair is then fitted with NUTS).
    sigma : float or None
        Noise scale passed to both estimators (None: sigma gets a prior).
    fits : dict {"laplace": BayesianRegression, "normal": BayesianRegression}, optional
        Already NUTS-fitted estimators of equal prior variance, instead of ``variance``; they must
        share ``standardize``, ``fit_intercept`` and ``sigma``.
    eps : float, optional
        Half-width of the near-zero band on the original scale; default a tenth of the prior
        standard deviation (divided by the column's sd, the fit's own standardization scale, with
        ``standardize=True``).
    bins : int
    ax : matplotlib Axes, optional
    **nuts_kwargs
        ``draws``, ``tune``, ``chains``, ``random_seed``, ``nuts_sampler``, ``progressbar``,
        ``fit_intercept``, ``standardize`` for the two estimators (only without ``fits``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer):
        raise TypeError(f"bins must be a positive integer, got {type(bins).__name__}: {bins!r}")
    if bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    if eps is not None:
        eps = check_positive(eps, "eps")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if fits is None:
        if variance is None:
            raise TypeError("give variance (and sigma) to fit the two priors, or fits")
        check_positive(variance, "variance")
        if sigma is not None:
            check_positive(sigma, "sigma")
        # before anything is compiled: the feature as the fitted estimators will name it
        names = _model_feature_names(X)
        check_regression_data(X, y)
        _feature_index(names, feature)
        fits = _fit_pair(X, y, variance, sigma, nuts_kwargs)
    else:
        if variance is not None or sigma is not None or nuts_kwargs:
            raise TypeError("with fits, do not pass variance, sigma or sampler settings: they come from the fits")
        fits = _check_pair(fits)
        _check_data_against_fit(X, y, fits["laplace"])
    names = _feature_names(fits["laplace"])
    j = _feature_index(names, feature)
    name = names[j]
    column_sd = float(
        fits["laplace"]._standardization.scale[j]
    )  # 1 without standardize; shared by both fits (_check_pair)
    if eps is None:
        eps = 0.1 * prior_std(fits["normal"].prior) / column_sd
    if ax is None:
        _, ax = plt.subplots(figsize=(11.0, 4.5), layout="constrained")
    ax.axvspan(-eps, eps, color=NEAR_ZERO_COLOR, alpha=0.25, linewidth=0, label=f"|β| ≤ ε = {eps:.3g}")
    draws = {key: _coef_draws(fit)[:, j] for key, fit in fits.items()}
    lo = min(float(d.min()) for d in draws.values())
    hi = max(float(d.max()) for d in draws.values())
    grid = np.linspace(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), 400)
    for color, key in (("C0", "laplace"), ("C1", "normal")):
        fit = fits[key]
        beta = draws[key]
        prior = fit.prior
        title = f"Laplace(b={prior.scale:.3g})" if key == "laplace" else f"Normal(τ={prior.scale:.3g})"
        mass = float(np.mean(np.abs(beta) <= eps))
        prior_mass = prior_mass_near_zero(prior, eps * column_sd)
        ax.hist(beta, bins=bins, density=True, histtype="stepfilled", color=color, alpha=0.2, label="_hist")
        ax.plot(
            grid,
            stats.gaussian_kde(beta)(grid),
            color=color,
            label=f"{title}: posterior, P(|β| ≤ ε) = {mass:.3f} (prior {prior_mass:.3f})",
        )
        map_value = float(_map_coef(fit, X, y)[j])
        ax.axvline(map_value, color=color, linestyle="--", label=f"{title}: MAP = {map_value:.4g}")
        mean_value = float(beta.mean())
        ax.axvline(mean_value, color=color, linestyle=":", label=f"{title}: posterior mean = {mean_value:.4g}")
    variance_text = f"{prior_std(fits['normal'].prior) ** 2:.3g}"
    ax.set_title(f"{name}: posterior under Laplace and Gaussian priors of variance {variance_text}")
    ax.set_xlabel(f"coefficient of {name}")
    ax.set_ylabel("posterior density")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    return ax
