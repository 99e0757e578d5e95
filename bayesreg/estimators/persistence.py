"""Saving and loading fitted estimators: a complete, verified folder or a clear error.

A save is a folder::

    estimator.json   the format version, the estimator class, its parameters (the prior as its
                     class and parameters), the fitted attributes, the sha256 of every file under
                     idata.zarr ("files") and the sha256 of the document itself ("sha256": of the
                     document without that entry, as json.dumps(..., sort_keys=True,
                     separators=(",", ":")) writes it)
    idata.zarr/      the posterior DataTree, zarr format 3 (NUTS fits only)

Writing never leaves a mixed or half-written folder: the save is built next to the target under
a temporary name and renamed into place. An older save at the target is renamed away first and
removed last, so the target always holds either the complete old save or the complete new one;
on any failure the target is untouched and the temporary folder is removed. The document is
assembled and checked in memory, with the checks :func:`load_estimator` applies to the
document and to the posterior, before anything touches the disk: ``save`` does not write what
``load`` would refuse. A path that
exists and is not a save (a file, a symbolic link, a non-empty folder without a bayesreg
``estimator.json``) is never overwritten.

Reading trusts nothing: the format version (saves of format 1 are refused), the class, the
document's checksum, every parameter and fitted field with its type, the array shapes against
``n_features_in_``, the checksums of all stored files (a missing, extra or changed file is an
error), the posterior variables the estimator predicts with (finite, floating point, of the
right shapes), and that the stored point estimates agree with the stored MAP or posterior.
Every problem is a ValueError naming the file and what is wrong with it.

What a save does not hold: ``model_``, the PyMC model (compiled graphs and the training data);
a loaded estimator has every other fitted attribute, predicts identically, and is refitted to get
a model again. Pickling (``__getstate__``) keeps the model; see :class:`CloudPickled`.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import os
import shutil
import uuid
from pathlib import Path, PurePosixPath

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from bayesreg._files import replace_folder
from bayesreg.conversions import PenaltyWeights
from bayesreg.data.design import Standardization
from bayesreg.inference.sampling import Diagnostics
from bayesreg.likelihoods import DEFAULT_NU, REGRESSION_LIKELIHOODS
from bayesreg.optimize.map import MapResult

__all__ = ["ESTIMATOR_FILE", "FORMAT_VERSION", "IDATA_DIR", "CloudPickled", "load_estimator", "save_estimator"]

#: version of the folder layout and of estimator.json; load refuses every other version
FORMAT_VERSION = 2
ESTIMATOR_FILE = "estimator.json"
IDATA_DIR = "idata.zarr"

_DOCUMENT_KEYS = ("format_version", "class", "params", "fitted", "files", "sha256")
#: fitted fields of every save, then those of one kind of fit ("kind" says which)
_COMMON_FIELDS = ("kind", "n_features_in_", "feature_names_in_", "x_center", "x_scale", "coef_", "intercept_", "sigma_")
_KIND_FIELDS = {
    "map": ("map_", "equivalent_penalty_"),
    "nuts": ("coef_median_", "intercept_median_", "nuts_sampler_", "diagnostics_"),
}
#: fitted attributes of the estimator that are deliberately not saved
_NOT_SAVED = ("model_", "sampler_")  # sampler_ is read back from the posterior's attrs
#: the scikit-learn estimators ``equivalent_penalty_`` may be
_PENALTY_CLASSES = ("Ridge", "Lasso", "ElasticNet")
#: stored point estimates must agree with the ones recomputed from map_ / the posterior to this
_AGREEMENT_RTOL = 1e-9


# --- JSON values ---------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite_number(value) -> bool:
    return _is_number(value) and math.isfinite(value)


def to_json(value: object, name: str) -> object:
    """``value`` as JSON types: tuples as lists, numpy scalars and arrays as numbers, bools and lists.

    Dataclasses become dicts of their fields. Anything else raises a TypeError naming ``name``.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return int(value) if isinstance(value, int) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, np.ndarray):
        return [to_json(v, f"{name}[{i}]") for i, v in enumerate(value.tolist())]
    if isinstance(value, list | tuple):
        return [to_json(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{name} cannot be saved: its key {key!r} is not a string")
            out[key] = to_json(v, f"{name}[{key!r}]")
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name), f"{name}.{f.name}") for f in dataclasses.fields(value)}
    raise TypeError(f"{name} cannot be saved: {type(value).__name__} {value!r} has no JSON form")


def _canonical_sha256(document: dict) -> str:
    """sha256 of the document without its ``"sha256"`` entry, serialized canonically."""
    body = {key: value for key, value in document.items() if key != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stored_files(folder: Path) -> dict[str, Path]:
    """Every file (or link) under ``folder / IDATA_DIR``, keyed by its path relative to ``folder``."""
    found = {}
    for root, dirs, names in os.walk(folder / IDATA_DIR):
        dirs.sort()
        for entry in sorted(names) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            full = Path(root) / entry
            found[full.relative_to(folder).as_posix()] = full
    return found


# --- checking a document (both when saving and when loading) -------------------------------------


class _Reader:
    """Field checks that name the file being read (or ``<name> of the estimator`` when saving)."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, problem: str) -> ValueError:
        return ValueError(f"{self.where}: {problem}")

    def keys(self, mapping, expected: tuple[str, ...], what: str) -> dict:
        if not isinstance(mapping, dict):
            raise self.fail(f"{what} must be a JSON object, got {type(mapping).__name__}")
        missing = [key for key in expected if key not in mapping]
        if missing:
            raise self.fail(f"{what} lacks {', '.join(map(repr, missing))}")
        unexpected = [key for key in mapping if key not in expected]
        if unexpected:
            raise self.fail(f"{what} has unexpected {', '.join(map(repr, unexpected))}")
        return mapping

    def integer(self, value, what: str, minimum: int | None = None) -> int:
        if not _is_int(value) or (minimum is not None and value < minimum):
            bound = "" if minimum is None else f" >= {minimum}"
            raise self.fail(f"{what} must be an integer{bound}, got {value!r}")
        return int(value)

    def number(self, value, what: str, *, finite: bool = True, positive: bool = False) -> float:
        good = _is_finite_number(value) if finite else _is_number(value)
        if not good or (positive and not value > 0):
            kind = "a positive" if positive else ("a finite" if finite else "a")
            raise self.fail(f"{what} must be {kind} number, got {value!r}")
        return float(value)

    def boolean(self, value, what: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"{what} must be true or false, got {value!r}")
        return value

    def string(self, value, what: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{what} must be a string, got {value!r}")
        return value

    def vector(self, value, what: str, n: int, *, positive: bool = False) -> np.ndarray:
        if not isinstance(value, list) or len(value) != n:
            size = len(value) if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{what} must be a list of {n} numbers (n_features_in_), got {size}")
        for i, v in enumerate(value):
            self.number(v, f"{what}[{i}]", positive=positive)
        return np.asarray(value, dtype=np.float64)


#: checks of the estimator's constructor parameters by name; a parameter not listed here may be
#: any JSON scalar (so a new parameter round-trips before this table learns its type)
_PARAM_CHECKS = {
    "sigma": (
        "null, 'auto' or a positive number",
        lambda v: v is None or v == "auto" or (_is_finite_number(v) and v > 0),
    ),
    "fit_intercept": ("true or false", lambda v: isinstance(v, bool)),
    "standardize": ("true or false", lambda v: isinstance(v, bool)),
    "method": ("a string", lambda v: isinstance(v, str)),
    "draws": ("an integer", _is_int),
    "tune": ("an integer", _is_int),
    "chains": ("an integer", _is_int),
    "cores": ("null or an integer", lambda v: v is None or _is_int(v)),
    "random_seed": ("null or an integer", lambda v: v is None or _is_int(v)),
    "nuts_sampler": ("null or a string", lambda v: v is None or isinstance(v, str)),
    "target_accept": ("null or a number", lambda v: v is None or _is_finite_number(v)),
    "progressbar": ("true or false", lambda v: isinstance(v, bool)),
    "likelihood": (f"one of {REGRESSION_LIKELIHOODS}", lambda v: v in REGRESSION_LIKELIHOODS),
    "nu": ("null or a number", lambda v: v is None or _is_finite_number(v)),
}
#: parameters added after format 2 was defined, with the value a save without them meant
_ADDED_PARAMS = {"likelihood": "normal", "nu": DEFAULT_NU}


def _prior_params(prior) -> dict:
    """A prior's parameters as stored: a penalty factor only when it has one (saves before it existed load)."""
    return {k: v for k, v in prior.params().items() if not (k == "penalty_factor" and v is None)}


def _read_params(stored, cls, reader: _Reader) -> dict:
    """The constructor parameters of ``cls``, the prior rebuilt from its class and parameters."""
    from bayesreg.priors import prior_class

    names = tuple(cls._get_param_names())
    if isinstance(stored, dict):
        stored = {**{k: v for k, v in _ADDED_PARAMS.items() if k in names and k not in stored}, **stored}
    stored = reader.keys(stored, names, '"params"')
    params = {}
    for name, value in stored.items():
        if name == "prior":
            continue
        description, check = _PARAM_CHECKS.get(
            name, ("a JSON scalar", lambda v: v is None or isinstance(v, bool | int | float | str))
        )
        if not check(value):
            raise reader.fail(f"parameter {name} must be {description}, got {value!r}")
        params[name] = value
    spec = reader.keys(stored["prior"], ("class", "params"), "parameter prior")
    name = reader.string(spec["class"], "parameter prior's class")
    if not isinstance(spec["params"], dict):
        raise reader.fail(f"parameter prior's params must be a JSON object, got {spec['params']!r}")
    try:
        prior = prior_class(name)(**spec["params"])
    except (TypeError, ValueError) as exc:
        raise reader.fail(f"parameter prior {name}({spec['params']}) cannot be rebuilt: {exc}") from None
    if to_json(_prior_params(prior), "prior") != spec["params"]:
        raise reader.fail(f"parameter prior {name}({spec['params']}) is rebuilt as {prior!r}, not as stored")
    params["prior"] = prior
    return params


def _read_dataclass(stored, cls, what: str, reader: _Reader, n: int):
    """An instance of the dataclass ``cls`` from its stored fields, each checked by its annotation."""
    fields = dataclasses.fields(cls)
    stored = reader.keys(stored, tuple(f.name for f in fields), what)
    values = {}
    for f in fields:
        value, name, annotation = stored[f.name], f"{what}.{f.name}", str(f.type)
        if annotation == "float":
            values[f.name] = reader.number(value, name, finite=False)
        elif annotation == "int":
            values[f.name] = reader.integer(value, name)
        elif annotation == "bool":
            values[f.name] = reader.boolean(value, name)
        elif annotation == "str":
            values[f.name] = reader.string(value, name)
        elif annotation == "np.ndarray":
            values[f.name] = reader.vector(value, name, n)
        elif annotation == "tuple[str, ...]":
            if not isinstance(value, list):
                raise reader.fail(f"{name} must be a list of strings, got {value!r}")
            values[f.name] = tuple(reader.string(v, f"{name}[{i}]") for i, v in enumerate(value))
        elif annotation == "PenaltyWeights":
            weights = reader.keys(value, ("l1", "l2"), name)
            try:
                values[f.name] = PenaltyWeights(
                    l1=reader.number(weights["l1"], f"{name}.l1"), l2=reader.number(weights["l2"], f"{name}.l2")
                )
            except ValueError as exc:
                raise reader.fail(f"{name} is invalid: {exc}") from None
        else:
            raise NotImplementedError(
                f"bayesreg.estimators.persistence cannot store {name} of type {annotation}: teach it"
            )
    return cls(**values)


def _read_penalty(stored, reader: _Reader):
    from sklearn import linear_model

    if stored is None:  # the MAP's alpha was not representable in float64 (see BayesianRegression._set_map)
        return None
    spec = reader.keys(stored, ("class", "params"), "equivalent_penalty_")
    name = spec["class"]
    if name not in _PENALTY_CLASSES:
        raise reader.fail(f"equivalent_penalty_ must be one of {_PENALTY_CLASSES}, got {name!r}")
    penalty_class = getattr(linear_model, name)
    reader.keys(spec["params"], tuple(penalty_class._get_param_names()), f"equivalent_penalty_ ({name}) params")
    penalty = penalty_class(**spec["params"])
    try:
        penalty._validate_params()  # scikit-learn's own parameter constraints
    except (TypeError, ValueError) as exc:
        raise reader.fail(f"equivalent_penalty_ {name}({spec['params']}) is invalid: {exc}") from None
    return penalty


@dataclasses.dataclass
class _Fitted:
    kind: str
    attributes: dict
    n: int


def _read_fitted(stored, reader: _Reader) -> _Fitted:
    """The fitted attributes, checked and converted to the types the estimator holds."""
    kind = stored.get("kind") if isinstance(stored, dict) else None
    if kind not in _KIND_FIELDS:
        raise reader.fail(f'fitted.kind must be "map" or "nuts", got {kind!r}')
    stored = reader.keys(stored, _COMMON_FIELDS + _KIND_FIELDS[kind], '"fitted"')
    n = reader.integer(stored["n_features_in_"], "fitted.n_features_in_", minimum=1)
    out = {"n_features_in_": n}
    names = stored["feature_names_in_"]
    if names is not None:
        if not isinstance(names, list) or len(names) != n or not all(isinstance(v, str) for v in names):
            raise reader.fail(f"fitted.feature_names_in_ must be null or a list of {n} strings, got {names!r}")
        out["feature_names_in_"] = np.asarray(names, dtype=object)
    out["_standardization"] = Standardization(
        center=reader.vector(stored["x_center"], "fitted.x_center", n),
        scale=reader.vector(stored["x_scale"], "fitted.x_scale", n, positive=True),
    )
    out["coef_"] = reader.vector(stored["coef_"], "fitted.coef_", n)
    out["intercept_"] = reader.number(stored["intercept_"], "fitted.intercept_")
    out["sigma_"] = reader.number(stored["sigma_"], "fitted.sigma_", positive=True)
    if kind == "map":
        out["map_"] = _read_dataclass(stored["map_"], MapResult, "fitted.map_", reader, n)
        out["equivalent_penalty_"] = _read_penalty(stored["equivalent_penalty_"], reader)
    else:
        out["coef_median_"] = reader.vector(stored["coef_median_"], "fitted.coef_median_", n)
        out["intercept_median_"] = reader.number(stored["intercept_median_"], "fitted.intercept_median_")
        nuts_sampler = stored["nuts_sampler_"]  # null for a Gibbs posterior
        out["nuts_sampler_"] = None if nuts_sampler is None else reader.string(nuts_sampler, "fitted.nuts_sampler_")
        out["diagnostics_"] = _read_dataclass(stored["diagnostics_"], Diagnostics, "fitted.diagnostics_", reader, n)
    return _Fitted(kind, out, n)


def _check_posterior(idata, params: dict, n: int, reader: _Reader) -> None:
    """The posterior variables the estimator predicts with: present, floating point, finite, of the right shapes."""
    if "posterior" not in getattr(idata, "children", {}):
        raise reader.fail("the DataTree has no posterior group")
    posterior = idata["posterior"]
    needed = {"beta": 3}
    if params["fit_intercept"]:
        needed["intercept"] = 2
    if "sigma" in posterior.data_vars or params["sigma"] is None:
        needed["sigma"] = 2
    shape = None
    for name, ndim in needed.items():
        if name not in posterior.data_vars:
            why = {"intercept": " (fit_intercept=True)", "sigma": " (sigma=None)"}.get(name, "")
            raise reader.fail(f"posterior has no {name}{why}")
        var = posterior[name]
        if var.ndim != ndim or tuple(var.dims[:2]) != ("chain", "draw"):
            raise reader.fail(
                f"posterior.{name} has dimensions {var.dims}, expected (chain, draw{', feature' * (ndim == 3)})"
            )
        if var.dtype.kind != "f":
            raise reader.fail(f"posterior.{name} has dtype {var.dtype}, expected floating point")
        if name == "beta" and var.shape[2] != n:
            raise reader.fail(f"posterior.beta has {var.shape[2]} features, n_features_in_ is {n}")
        if shape is not None and var.shape[:2] != shape:
            raise reader.fail(f"posterior.{name} has {var.shape[:2]} (chain, draw), posterior.beta {shape}")
        shape = var.shape[:2]
        values = np.asarray(var.values)
        if not np.all(np.isfinite(values)):
            raise reader.fail(f"posterior.{name} holds non-finite values (NaN or inf)")
        if name == "sigma" and not np.all(values > 0):
            raise reader.fail("posterior.sigma holds values <= 0")


def _check_agreement(stored: np.ndarray | float, computed: np.ndarray | float, what: str, reader: _Reader) -> None:
    stored, computed = np.atleast_1d(stored), np.atleast_1d(computed)
    scale = max(float(np.max(np.abs(stored))), float(np.max(np.abs(computed))), np.finfo(float).tiny)
    if stored.shape != computed.shape or np.max(np.abs(stored - computed)) > _AGREEMENT_RTOL * scale:
        raise reader.fail(
            f"{what} as stored {stored} disagrees with {computed}, recomputed from what it was fitted from"
        )


def _check_posterior_agreement(estimator, attributes: dict, idata, reader: _Reader) -> None:
    """The point estimates as stored agree with the estimator's own rule applied to the posterior."""
    probe = copy.copy(estimator)
    probe.__dict__.update(attributes)
    probe._set_posterior(idata)
    for name in ("coef_", "coef_median_", "intercept_", "intercept_median_", "sigma_"):
        _check_agreement(attributes[name], getattr(probe, name), f"fitted.{name}", reader)
    if probe.nuts_sampler_ != attributes["nuts_sampler_"]:
        raise reader.fail(
            f"fitted.nuts_sampler_ is {attributes['nuts_sampler_']!r}, the posterior says {probe.nuts_sampler_!r}"
        )


def _check_map_agreement(attributes: dict, params: dict, reader: _Reader) -> None:
    """coef_, intercept_ and sigma_ are map_'s, back on the original scale of X."""
    result, standardization = attributes["map_"], attributes["_standardization"]
    coef = standardization.coef(result.coef)
    _check_agreement(attributes["coef_"], coef, "fitted.coef_", reader)
    if not np.array_equal(attributes["coef_"] == 0.0, result.coef == 0.0):
        raise reader.fail("fitted.coef_ and fitted.map_.coef have different exact zeros")
    intercept = float(standardization.intercept(result.intercept, coef)) if params["fit_intercept"] else 0.0
    _check_agreement(attributes["intercept_"], intercept, "fitted.intercept_", reader)
    _check_agreement(attributes["sigma_"], result.sigma, "fitted.sigma_", reader)


# --- the document ----------------------------------------------------------------------------------


def _fitted_attribute_names(estimator) -> set[str]:
    return {key for key in vars(estimator) if key.endswith("_") and not key.startswith("__")}


def _build_document(estimator) -> dict:
    """The JSON document of a fitted estimator, checked as load will check it (no files yet)."""
    kind = "nuts" if hasattr(estimator, "idata_") else "map"
    known = set(_COMMON_FIELDS + _KIND_FIELDS[kind] + _NOT_SAVED) | {"idata_"}
    unknown = sorted(_fitted_attribute_names(estimator) - known)
    if unknown:
        raise NotImplementedError(
            f"save() does not know how to store the fitted attribute(s) {unknown}: "
            "bayesreg.estimators.persistence must learn them before such an estimator can be saved"
        )
    params = estimator.get_params(deep=False)
    prior = params.pop("prior")
    stored_params = {name: to_json(value, f"parameter {name}") for name, value in params.items()}
    stored_params["prior"] = {"class": type(prior).__name__, "params": to_json(_prior_params(prior), "parameter prior")}
    names = getattr(estimator, "feature_names_in_", None)
    fitted = {
        "kind": kind,
        "n_features_in_": to_json(estimator.n_features_in_, "n_features_in_"),
        "feature_names_in_": None if names is None else to_json(names, "feature_names_in_"),
        "x_center": to_json(estimator._standardization.center, "x_center"),
        "x_scale": to_json(estimator._standardization.scale, "x_scale"),
        "coef_": to_json(estimator.coef_, "coef_"),
        "intercept_": to_json(estimator.intercept_, "intercept_"),
        "sigma_": to_json(estimator.sigma_, "sigma_"),
    }
    if kind == "map":
        penalty = estimator.equivalent_penalty_
        fitted["map_"] = to_json(estimator.map_, "map_")
        fitted["equivalent_penalty_"] = (
            None
            if penalty is None
            else {
                "class": type(penalty).__name__,
                "params": to_json(penalty.get_params(deep=False), "equivalent_penalty_"),
            }
        )
    else:
        fitted["coef_median_"] = to_json(estimator.coef_median_, "coef_median_")
        fitted["intercept_median_"] = to_json(estimator.intercept_median_, "intercept_median_")
        fitted["nuts_sampler_"] = to_json(estimator.nuts_sampler_, "nuts_sampler_")
        fitted["diagnostics_"] = to_json(estimator.diagnostics_, "diagnostics_")
    document = {
        "format_version": FORMAT_VERSION,
        "class": type(estimator).__name__,
        "params": stored_params,
        "fitted": fitted,
        "files": {},
    }
    # what load would refuse is not written: the same checks, naming the estimator
    reader = _Reader(f"{type(estimator).__name__}.save()")
    params = _read_params(stored_params, type(estimator), reader)
    if params["prior"] != prior:
        raise TypeError(f"parameter prior {prior!r} cannot be saved: it is rebuilt as {params['prior']!r}")
    read = _read_fitted(fitted, reader)
    if kind == "map":
        _check_map_agreement(read.attributes, params, reader)
    else:
        _check_posterior(estimator.idata_, params, read.n, reader)
        _check_posterior_agreement(estimator, read.attributes, estimator.idata_, reader)
    return document


# --- save --------------------------------------------------------------------------------------------


def _as_folder(path, name: str = "path") -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a str or os.PathLike naming a folder, got {type(path).__name__}: {path!r}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text:
        raise ValueError(f"{name} must be a non-empty text path, got {path!r}")
    return Path(os.path.abspath(text))


def _is_save(folder: Path, class_name: str) -> bool:
    """Whether ``folder`` holds an estimator.json written by save() for ``class_name`` (any format version)."""
    try:
        document = json.loads((folder / ESTIMATOR_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(document, dict) and document.get("class") == class_name and _is_int(document.get("format_version"))
    )


def _check_target(target: Path, class_name: str) -> None:
    if target.is_symlink():
        raise ValueError(f"path: {target} is a symbolic link; refusing to replace it (save to the folder it points to)")
    if target.exists() and not target.is_dir():
        raise ValueError(f"path: {target} exists and is not a folder; refusing to overwrite it")
    if target.is_dir() and any(target.iterdir()) and not _is_save(target, class_name):
        raise ValueError(
            f"path: {target} is a non-empty folder that does not hold a saved {class_name} "
            f"(no {ESTIMATOR_FILE} written by save()); refusing to overwrite it"
        )


def save_estimator(estimator: BaseEstimator, path: str | os.PathLike) -> Path:
    """Write a fitted estimator to the folder ``path``, all or nothing; returns ``path``.

    See the module docstring for the layout. An existing save at ``path`` is replaced; any other
    existing file or non-empty folder there raises a ValueError and is left alone.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        The estimator is not fitted.
    TypeError
        ``path`` is not a path, or a parameter (or the prior's) has no JSON form.
    ValueError
        ``path`` exists and is not a save, or the estimator's state would not load back.
    """
    check_is_fitted(estimator)
    target = _as_folder(path)
    document = _build_document(estimator)
    _check_target(target, type(estimator).__name__)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.saving")
    staging.mkdir()
    try:
        if document["fitted"]["kind"] == "nuts":
            estimator.idata_.to_zarr(staging / IDATA_DIR, mode="w-", consolidated=False)
            document["files"] = {key: _file_sha256(file) for key, file in _stored_files(staging).items()}
        document["sha256"] = _canonical_sha256(document)
        text = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=True)
        with open(staging / ESTIMATOR_FILE, "x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        replace_folder(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return Path(path)


# --- load --------------------------------------------------------------------------------------------


def _read_document(file: Path, class_name: str) -> dict:
    reader = _Reader(str(file))
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise reader.fail(f"is missing: {file.parent} does not hold a saved {class_name}") from None
    except IsADirectoryError:
        raise reader.fail(f"is a folder: {file.parent} does not hold a saved {class_name}") from None
    except UnicodeDecodeError as exc:
        raise reader.fail(f"is not UTF-8 text (corrupted?): {exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reader.fail(f"is not valid JSON (truncated or malformed): {exc}") from None
    if not isinstance(document, dict):
        raise reader.fail(f"does not hold a saved {class_name}: a JSON {type(document).__name__}, not an object")
    if document.get("class") != class_name:
        raise reader.fail(f"does not hold a saved {class_name} (its class is {document.get('class')!r})")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        if _is_int(version) and version < FORMAT_VERSION:
            raise reader.fail(
                f"was written in format {version}, which this bayesreg no longer reads (it reads format "
                f"{FORMAT_VERSION} only, whose loading verifies what it reads): fit the estimator again and save it"
            )
        raise reader.fail(f"has format version {version!r}; this bayesreg reads format {FORMAT_VERSION} only")
    reader.keys(document, _DOCUMENT_KEYS, "the document")
    if document["sha256"] != _canonical_sha256(document):
        raise reader.fail("its sha256 does not match its content: the file was changed or corrupted after saving")
    return document


def _read_files(stored, reader: _Reader) -> dict[str, str]:
    if not isinstance(stored, dict):
        raise reader.fail(f'"files" must be a JSON object, got {type(stored).__name__}')
    for key, digest in stored.items():
        parts = PurePosixPath(key).parts
        if len(parts) < 2 or parts[0] != IDATA_DIR or any(part in ("..", ".", "") for part in parts) or "\\" in key:
            raise reader.fail(f'"files" lists {key!r}, which is not a path inside {IDATA_DIR}')
        if not (isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
            raise reader.fail(f'"files" gives {key!r} the checksum {digest!r}, not a sha256 hex digest')
    return stored


def _verify_files(folder: Path, files: dict[str, str], reader: _Reader) -> None:
    present = _stored_files(folder)
    missing = sorted(set(files) - set(present))
    if missing:
        more = f" (and {len(missing) - 1} more stored file(s))" if len(missing) > 1 else ""
        raise ValueError(f"{folder / missing[0]}: is missing{more}: the save at {folder} is incomplete")
    extra = sorted(set(present) - set(files))
    if extra:
        raise ValueError(f"{folder / extra[0]}: is not part of the save recorded in {reader.where}")
    for key, digest in files.items():
        if present[key].is_symlink() or not present[key].is_file():
            raise ValueError(f"{present[key]}: is not a regular file")
        if _file_sha256(present[key]) != digest:
            raise ValueError(
                f"{present[key]}: its sha256 differs from the one recorded in {reader.where}: "
                "the file was changed or corrupted after saving"
            )


def _open_idata(folder: Path):
    import xarray as xr

    try:
        return xr.open_datatree(folder, engine="zarr", consolidated=False).load()
    except Exception as exc:  # any reader error becomes a ValueError naming the store
        raise ValueError(f"{folder}: cannot be read as a DataTree: {type(exc).__name__}: {exc}") from exc


def load_estimator(cls: type[BaseEstimator], path: str | os.PathLike) -> BaseEstimator:
    """Read an estimator of class ``cls`` written by :func:`save_estimator`, verifying all of it.

    Raises
    ------
    TypeError
        ``path`` is not a path.
    ValueError
        Anything wrong with the save, naming the file and the problem.
    """
    folder = _as_folder(path)
    if not folder.exists():
        raise ValueError(f"path: {folder} does not exist")
    if not folder.is_dir():
        raise ValueError(f"path: {folder} is not a folder written by save()")
    file = folder / ESTIMATOR_FILE
    document = _read_document(file, cls.__name__)
    reader = _Reader(str(file))
    params = _read_params(document["params"], cls, reader)
    fitted = _read_fitted(document["fitted"], reader)
    files = _read_files(document["files"], reader)
    store = folder / IDATA_DIR
    estimator = cls(**params)
    attributes = fitted.attributes
    if fitted.kind == "map":
        if files:
            raise reader.fail(f'a MAP fit stores no files, but "files" lists {len(files)}')
        if os.path.lexists(store):
            raise ValueError(f"{store}: a MAP fit has no posterior, yet this exists: not part of the save in {file}")
        _check_map_agreement(attributes, params, reader)
        estimator.__dict__.update(attributes)
        return estimator
    if not files:
        raise reader.fail(f'a NUTS fit stores its posterior in {IDATA_DIR}, but "files" lists none')
    if not store.is_dir():
        raise ValueError(f"{store}: is missing: the NUTS fit saved in {file} has no posterior")
    _verify_files(folder, files, reader)
    idata = _open_idata(store)
    _check_posterior(idata, params, fitted.n, _Reader(str(store)))
    _check_posterior_agreement(estimator, attributes, idata, reader)
    estimator.__dict__.update(attributes)
    estimator.idata_ = idata
    estimator.sampler_ = idata.attrs.get("sampler", "nuts")
    return estimator


# --- pickling ----------------------------------------------------------------------------------------


class CloudPickled:
    """A pickled PyMC model inside an estimator's pickle (plain pickle cannot store its local classes)."""

    def __init__(self, payload: bytes):
        self.payload = payload
