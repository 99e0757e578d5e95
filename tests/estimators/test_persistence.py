"""BayesianRegression.save / load (bayesreg.estimators.persistence): round trips, and every way a save can lie.

One tiny NUTS fit is shared by the module (50 draws, 50 tuning steps, 2 chains): these tests check
what is stored and refused, not statistics.
"""

import copy
import dataclasses
import hashlib
import json
import math
import os
import shutil
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import xarray as xr
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

import bayesreg as br
from bayesreg import BayesianRegression
from bayesreg.estimators import persistence
from bayesreg.optimize.map import MapResult

TINY = {
    "method": "nuts",
    "draws": 50,
    "tune": 50,
    "chains": 2,
    "cores": 1,
    "nuts_sampler": "pymc",
    "progressbar": False,
}

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.fixture(scope="module")
def data(small_frame):
    return small_frame


@pytest.fixture(scope="module")
def nuts(data):
    """The shared NUTS fit: standardized, feature names from a DataFrame, sigma learned."""
    X, y = data
    return BayesianRegression(br.Laplace(1.0), standardize=True, random_seed=11, **TINY).fit(X, y)


@pytest.fixture(scope="module")
def nuts_folder(nuts, tmp_path_factory):
    return nuts.save(tmp_path_factory.mktemp("nuts") / "fit")


@pytest.fixture
def nuts_save(nuts_folder, tmp_path):
    """A fresh copy of the shared NUTS save, free to damage."""
    return Path(shutil.copytree(nuts_folder, tmp_path / "fit"))


@pytest.fixture(scope="module")
def map_fit(data):
    X, y = data
    return BayesianRegression(br.Laplace(0.05), sigma=1.0, standardize=True).fit(X, y)


@pytest.fixture
def map_save(map_fit, tmp_path):
    return map_fit.save(tmp_path / "fit")


def assert_same_fit(loaded, fitted):
    """Every parameter and every fitted attribute but model_ restored, with its type, bit for bit."""
    assert type(loaded) is type(fitted)
    assert loaded.get_params() == fitted.get_params()
    expected = {
        key: value for key, value in vars(fitted).items() if key not in ("model_",) + tuple(fitted.get_params())
    }
    restored = {key: value for key, value in vars(loaded).items() if key not in tuple(loaded.get_params())}
    assert set(restored) == set(expected)
    for name, want in expected.items():
        got = restored[name]
        assert type(got) is type(want), name
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype, name
            np.testing.assert_array_equal(got, want, err_msg=name)
        elif isinstance(want, xr.DataTree):
            assert got.identical(want), name
        elif isinstance(want, MapResult):
            for field in dataclasses.fields(want):
                a, b = getattr(got, field.name), getattr(want, field.name)
                assert type(a) is type(b) and np.array_equal(a, b), f"{name}.{field.name}"
        elif isinstance(want, BaseEstimator):
            assert got.get_params() == want.get_params(), name
        else:
            assert got == want, name


def reseal(folder: Path, change=None) -> dict:
    """Apply ``change`` to estimator.json and rewrite its checksums as save() would (a deliberate forgery)."""
    file = folder / "estimator.json"
    document = json.loads(file.read_text())
    store = folder / "idata.zarr"
    if store.exists():
        document["files"] = {
            path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(store.rglob("*"))
            if path.is_file()
        }
    if change is not None:
        change(document)
    body = {key: value for key, value in document.items() if key != "sha256"}
    document["sha256"] = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    file.write_text(json.dumps(document, indent=2))
    return document


def refused(folder, match: str, file: str = "estimator.json") -> str:
    """load() raises a ValueError matching ``match`` that names ``folder / file``."""
    with pytest.raises(ValueError, match=match) as info:
        BayesianRegression.load(folder)
    assert str(Path(folder).absolute() / file) in str(info.value), str(info.value)
    return str(info.value)


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior", "kwargs", "frame"),
    [
        (br.Laplace(0.05), {"sigma": 1.0, "standardize": True}, True),
        (br.Normal(1.0), {}, False),  # sigma learned: its joint MAP
        (br.ElasticNet(2.0, 1.0), {"sigma": 1.0, "standardize": True, "fit_intercept": False}, True),
        (br.Laplace(0.05, penalty_factor=[0.0, 1.0, 2.0, 1.0]), {"sigma": 1.0, "likelihood": "student_t"}, True),
    ],
    ids=["laplace-standardized-frame", "normal-free-sigma-numpy", "enet-no-intercept", "factor-student-t"],
)
def test_map_round_trip_restores_every_attribute(data, tmp_path, prior, kwargs, frame):
    X, y = data
    X = X if frame else X.to_numpy()
    est = BayesianRegression(prior, **kwargs).fit(X, y)
    assert est.save(tmp_path / "fit") == tmp_path / "fit"
    assert sorted(os.listdir(tmp_path)) == ["fit"] and os.listdir(tmp_path / "fit") == ["estimator.json"]
    loaded = BayesianRegression.load(tmp_path / "fit")
    assert_same_fit(loaded, est)
    assert hasattr(loaded, "feature_names_in_") == frame
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    with pytest.raises(ValueError, match="fit with method='sample'"):
        loaded.predict_interval(X)


def test_nuts_round_trip_restores_every_attribute(nuts, nuts_folder, data):
    X, _ = data
    assert sorted(os.listdir(nuts_folder)) == ["estimator.json", "idata.zarr"]
    assert sorted(os.listdir(nuts_folder.parent)) == ["fit"]
    # the diagnostics are stored, not recomputed
    with (
        mock.patch("bayesreg.inference.sampling.diagnose", side_effect=AssertionError("recomputed")),
        mock.patch("bayesreg.estimators.base.diagnose", side_effect=AssertionError("recomputed")),
    ):
        loaded = BayesianRegression.load(nuts_folder)
    assert_same_fit(loaded, nuts)
    assert list(loaded.feature_names_in_) == list(X.columns) and loaded.standardize
    for got, want in zip(loaded.predict(X, return_std=True), nuts.predict(X, return_std=True), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(loaded.predict_interval(X), nuts.predict_interval(X))
    assert loaded.summary().equals(nuts.summary())
    assert not hasattr(loaded, "model_")


def test_nuts_round_trip_fixed_sigma_no_intercept_numpy(data, tmp_path):
    """The posterior then has neither sigma nor an intercept; no feature names."""
    X, y = data
    X = X.to_numpy()
    est = BayesianRegression(br.Normal(1.0), sigma=1.0, fit_intercept=False, random_seed=5, **TINY).fit(X, y)
    assert "sigma" not in est.idata_["posterior"] and "intercept" not in est.idata_["posterior"]
    loaded = BayesianRegression.load(est.save(tmp_path / "fit"))
    assert_same_fit(loaded, est)
    np.testing.assert_array_equal(loaded.predict_interval(X), est.predict_interval(X))


def test_a_loaded_estimator_saves_again_identically(nuts, nuts_folder, tmp_path):
    again = BayesianRegression.load(nuts_folder).save(tmp_path / "again")
    first = json.loads((nuts_folder / "estimator.json").read_text())
    assert json.loads((again / "estimator.json").read_text()) == first
    assert_same_fit(BayesianRegression.load(again), nuts)


def test_same_fit_helper_catches_a_missing_or_wrong_attribute(map_fit, map_save):
    """The round-trip check is not vacuous: a load that forgot sigma_ (or got it wrong) fails it."""
    loaded = BayesianRegression.load(map_save)
    del loaded.sigma_
    with pytest.raises(AssertionError):
        assert_same_fit(loaded, map_fit)
    loaded.sigma_ = np.float64(map_fit.sigma_)  # right value, wrong type
    with pytest.raises(AssertionError, match="sigma_"):
        assert_same_fit(loaded, map_fit)
    loaded = BayesianRegression.load(map_save)
    loaded.map_ = dataclasses.replace(loaded.map_, certificate=loaded.map_.certificate + 1e-3)
    with pytest.raises(AssertionError, match="certificate"):
        assert_same_fit(loaded, map_fit)


# --- numpy scalars, bad arguments --------------------------------------------------------------------


def test_numpy_scalar_parameters_are_saved_as_json_numbers(data, tmp_path):
    X, y = data
    est = BayesianRegression(
        br.Laplace(np.float64(0.05)),
        sigma=np.float64(1.0),
        fit_intercept=np.bool_(True),
        draws=np.int64(100),
        tune=np.int32(10),
        random_seed=np.int64(3),
        target_accept=np.float32(0.9),
    ).fit(X, y)
    est.save(tmp_path / "fit")
    params = json.loads((tmp_path / "fit" / "estimator.json").read_text())["params"]
    assert params["draws"] == 100 and params["random_seed"] == 3 and params["fit_intercept"] is True
    assert params["prior"] == {"class": "Laplace", "params": {"scale": 0.05}}
    loaded = BayesianRegression.load(tmp_path / "fit")
    assert type(loaded.draws) is int and type(loaded.sigma) is float and type(loaded.fit_intercept) is bool
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_numpy_scalar_parameters_of_a_nuts_fit(nuts, tmp_path):
    est = copy.copy(nuts).set_params(random_seed=np.int64(11), draws=np.int64(50), chains=np.int64(2))
    loaded = BayesianRegression.load(est.save(tmp_path / "fit"))
    assert (loaded.random_seed, loaded.draws, loaded.chains) == (11, 50, 2) and type(loaded.random_seed) is int
    assert_same_fit(loaded, nuts)


def test_a_parameter_without_json_form_raises_before_writing(map_fit, tmp_path):
    est = copy.copy(map_fit).set_params(cores=object())
    with pytest.raises(TypeError, match="parameter cores cannot be saved"):
        est.save(tmp_path / "fit")
    est = copy.copy(map_fit).set_params(draws=1.5)  # load would refuse it: so does save
    with pytest.raises(ValueError, match="parameter draws must be an integer"):
        est.save(tmp_path / "fit")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("which", ["map", "nuts"])
def test_save_refuses_point_estimates_that_disagree_with_the_fit(map_fit, nuts, tmp_path, which):
    """What load would refuse is not written: coef_ changed by hand no longer matches map_ / the posterior."""
    est = copy.copy(map_fit if which == "map" else nuts)
    est.coef_ = est.coef_ + 1e-3
    with pytest.raises(ValueError, match=r"BayesianRegression.save\(\): fitted.coef_ as stored .* disagrees"):
        est.save(tmp_path / "fit")
    assert os.listdir(tmp_path) == []


def test_save_creates_missing_parent_folders(map_fit, tmp_path):
    target = map_fit.save(tmp_path / "a" / "b" / "fit")
    assert os.listdir(tmp_path / "a" / "b") == ["fit"]
    assert_same_fit(BayesianRegression.load(str(target)), map_fit)


def test_an_unknown_fitted_attribute_is_not_silently_dropped(map_fit, tmp_path):
    est = copy.copy(map_fit)
    est.n_iter_ = 3
    with pytest.raises(NotImplementedError, match=r"\['n_iter_'\]"):
        est.save(tmp_path / "fit")
    assert os.listdir(tmp_path) == []


def test_save_needs_a_fitted_estimator_and_a_path(map_fit, tmp_path):
    with pytest.raises(NotFittedError):
        BayesianRegression(br.Laplace(1.0)).save(tmp_path / "fit")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        map_fit.save(3)
    with pytest.raises(ValueError, match="path must be a non-empty"):
        map_fit.save("")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        BayesianRegression.load(None)
    assert os.listdir(tmp_path) == []


# --- overwriting -------------------------------------------------------------------------------------


def test_map_saved_over_a_nuts_save_replaces_it_whole(map_fit, nuts_save, data):
    X, _ = data
    map_fit.save(nuts_save)
    assert os.listdir(nuts_save) == ["estimator.json"] and os.listdir(nuts_save.parent) == ["fit"]
    loaded = BayesianRegression.load(nuts_save)
    assert_same_fit(loaded, map_fit)
    np.testing.assert_array_equal(loaded.predict(X), map_fit.predict(X))


def test_nuts_saved_over_a_map_save_replaces_it_whole(nuts, map_save):
    nuts.save(map_save)
    assert sorted(os.listdir(map_save)) == ["estimator.json", "idata.zarr"] and os.listdir(map_save.parent) == ["fit"]
    assert_same_fit(BayesianRegression.load(map_save), nuts)


def test_save_into_an_empty_folder_or_over_an_old_format(map_fit, tmp_path):
    (tmp_path / "empty").mkdir()
    assert_same_fit(BayesianRegression.load(map_fit.save(tmp_path / "empty")), map_fit)
    old = tmp_path / "old"
    old.mkdir()
    (old / "estimator.json").write_text('{"format_version": 1, "class": "BayesianRegression"}')
    assert_same_fit(BayesianRegression.load(map_fit.save(old)), map_fit)


@pytest.mark.parametrize("what", ["file", "other folder", "foreign json", "json of a class before ours", "broken json"])
def test_save_refuses_to_overwrite_what_is_not_a_save(map_fit, tmp_path, what):
    target = tmp_path / "target"
    if what == "file":
        target.write_text("precious")
    else:
        target.mkdir()
        name, text = {
            "other folder": ("notes.txt", "precious"),
            "foreign json": ("estimator.json", '{"class": "Ridge", "format_version": 1}'),
            "json of a class before ours": ("estimator.json", '{"class": "ARDRegression", "format_version": 1}'),
            "broken json": ("estimator.json", '{"class": "BayesianRegression", "format_'),
        }[what]
        (target / name).write_text(text)
    before = {p: p.read_bytes() for p in [target, *target.rglob("*")] if p.is_file()}
    with pytest.raises(ValueError, match=f"path: {target}.*refusing to overwrite"):
        map_fit.save(target)
    assert {p: p.read_bytes() for p in [target, *target.rglob("*")] if p.is_file()} == before
    assert os.listdir(tmp_path) == ["target"]


def test_a_failed_zarr_write_leaves_the_old_save_intact(map_fit, nuts, map_save, data):
    X, _ = data
    before = (map_save / "estimator.json").read_bytes()
    with (
        mock.patch.object(xr.DataTree, "to_zarr", side_effect=OSError("disk full")),
        pytest.raises(OSError, match="disk full"),
    ):
        nuts.save(map_save)
    assert os.listdir(map_save.parent) == ["fit"]  # no temporary folder left
    assert os.listdir(map_save) == ["estimator.json"] and (map_save / "estimator.json").read_bytes() == before
    np.testing.assert_array_equal(BayesianRegression.load(map_save).predict(X), map_fit.predict(X))


def test_a_failed_rename_puts_the_old_save_back(map_fit, nuts, map_save):
    before = (map_save / "estimator.json").read_bytes()
    rename = os.rename
    calls = []

    def failing_second_rename(source, destination):
        calls.append((source, destination))
        if len(calls) == 2:  # old save moved away, new one not yet in place
            raise OSError("rename failed")
        return rename(source, destination)

    with mock.patch.object(persistence.os, "rename", failing_second_rename), pytest.raises(OSError, match="rename"):
        nuts.save(map_save)
    assert len(calls) == 3 and os.listdir(map_save.parent) == ["fit"]
    assert (map_save / "estimator.json").read_bytes() == before
    assert_same_fit(BayesianRegression.load(map_save), map_fit)


# --- damaged or forged saves -------------------------------------------------------------------------


def test_a_deleted_zarr_chunk_is_refused(nuts_save):
    chunk = nuts_save / "idata.zarr" / "posterior" / "beta" / "c" / "0" / "0" / "0"
    chunk.unlink()
    refused(nuts_save, "is missing.*incomplete", file="idata.zarr/posterior/beta/c/0/0/0")


@pytest.mark.parametrize("n_missing", [2, 3])
def test_every_missing_file_is_counted(nuts_save, n_missing):
    chunks = sorted(path for path in (nuts_save / "idata.zarr" / "posterior").rglob("*") if path.is_file())
    for chunk in chunks[:n_missing]:
        chunk.unlink()
    first = chunks[0].relative_to(nuts_save).as_posix()
    more = rf"\(and {n_missing - 1} more stored file\(s\)\)"
    refused(nuts_save, rf"is missing {more}: the save at .* is incomplete", file=first)


def test_one_missing_file_is_named_alone(nuts_save):
    chunk = nuts_save / "idata.zarr" / "posterior" / "beta" / "c" / "0" / "0" / "0"
    chunk.unlink()
    message = refused(nuts_save, "is missing: the save", file="idata.zarr/posterior/beta/c/0/0/0")
    assert "more stored file" not in message


def test_a_change_to_any_stored_file_is_refused(nuts_save):
    """Whichever way the checksum of the changed file compares with the recorded one."""
    files = sorted(path for path in (nuts_save / "idata.zarr").rglob("*") if path.is_file())
    assert len(files) > 10
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b" ")
        refused(nuts_save, "sha256 differs", file=path.relative_to(nuts_save).as_posix())
        path.write_bytes(original)
    BayesianRegression.load(nuts_save)  # every file restored: loads again


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning", "ignore:Found chain dimension")
def test_nan_diagnostics_round_trip(data, tmp_path):
    """Three draws: r_hat and ESS are NaN, the fit warns, and the save keeps the NaNs as they are."""
    X, y = data
    est = BayesianRegression(
        br.Normal(1.0), sigma=1.0, method="nuts", draws=3, tune=5, chains=1, random_seed=1, progressbar=False
    )
    est.fit(X.to_numpy(), y)
    assert math.isnan(est.diagnostics_.max_rhat) and not est.diagnostics_.ok
    loaded = BayesianRegression.load(est.save(tmp_path / "fit"))
    assert math.isnan(loaded.diagnostics_.max_rhat) and math.isnan(loaded.diagnostics_.min_ess_bulk)
    assert loaded.diagnostics_.problems == est.diagnostics_.problems


def test_a_deleted_idata_store_is_refused(nuts_save):
    shutil.rmtree(nuts_save / "idata.zarr")
    refused(nuts_save, "is missing.*has no posterior", file="idata.zarr")


def test_an_idata_store_beside_a_map_save_is_refused(map_save, nuts_folder):
    shutil.copytree(nuts_folder / "idata.zarr", map_save / "idata.zarr")
    refused(map_save, "a MAP fit has no posterior", file="idata.zarr")


def test_an_extra_file_in_the_store_is_refused(nuts_save):
    (nuts_save / "idata.zarr" / "posterior" / "extra").write_text("{}")
    (nuts_save / "idata.zarr" / "posterior" / "more").write_text("{}")
    message = refused(nuts_save, "is not part of the save", file="idata.zarr/posterior/extra")  # the first, sorted
    assert "more" not in message


def test_a_tampered_chunk_is_refused(nuts_save):
    chunk = nuts_save / "idata.zarr" / "posterior" / "sigma" / "c" / "0" / "0"
    data = bytearray(chunk.read_bytes())
    data[-1] ^= 0xFF
    chunk.write_bytes(bytes(data))
    refused(nuts_save, "sha256 differs", file="idata.zarr/posterior/sigma/c/0/0")


@pytest.mark.parametrize("units", [1e-6, 1e6])
def test_stored_estimates_agree_with_the_recomputed_ones_relative_to_their_scale(data, tmp_path, units):
    """The stored coef_ must agree with the one recomputed from map_ to 1e-9 of the coefficients' size, in any
    units: a forged change 10x above that is refused, one 10x below it is not a different fit."""
    from bayesreg.estimators.persistence import _AGREEMENT_RTOL

    X, y = data
    fit = BayesianRegression(br.Laplace(0.05 * units), sigma=units).fit(X, y * units)
    scale = np.abs(fit.coef_).max()
    for factor, ok in ((0.1, True), (10.0, False)):
        folder = fit.save(tmp_path / f"fit{factor}")
        reseal(folder, _shift_first("fitted.coef_", factor * _AGREEMENT_RTOL * scale))
        if ok:
            BayesianRegression.load(folder)
        else:
            refused(folder, "fitted.coef_ as stored .* disagrees")


def test_the_order_of_keys_in_the_document_does_not_matter(map_save, map_fit):
    """JSON objects are unordered: a document whose keys were reordered (then resealed) loads the same fit."""

    def reverse(document):
        for key in ("params", "fitted"):
            document[key] = dict(reversed(document[key].items()))

    reseal(map_save, reverse)
    assert_same_fit(BayesianRegression.load(map_save), map_fit)


def test_a_stored_file_replaced_by_a_symlink_is_refused(nuts_save, tmp_path):
    """Even to a file with the very bytes recorded: a link can be pointed elsewhere after loading is checked."""
    chunk = nuts_save / "idata.zarr" / "posterior" / "sigma" / "c" / "0" / "0"
    aside = tmp_path / "aside"
    shutil.copyfile(chunk, aside)
    chunk.unlink()
    chunk.symlink_to(aside)
    refused(nuts_save, "is not a regular file", file="idata.zarr/posterior/sigma/c/0/0")


@pytest.mark.parametrize(
    "path", ["fitted.coef_", "fitted.map_.coef", "fitted.x_center", "fitted.x_scale", "fitted.map_.kkt_violation"]
)
@pytest.mark.parametrize("amount", [1e-6, -1e-6])
def test_any_change_to_the_document_breaks_its_checksum(map_save, path, amount):
    """Whichever way the new checksum compares with the recorded one."""
    file = map_save / "estimator.json"
    document = json.loads(file.read_text())
    target = document
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    if isinstance(target[last], list):
        target[last][0] += amount
    else:
        target[last] += amount
    file.write_text(json.dumps(document, indent=2))
    refused(map_save, "sha256 does not match its content")


def test_a_tampered_array_in_the_document_is_refused(map_save):
    file = map_save / "estimator.json"
    document = json.loads(file.read_text())
    document["fitted"]["coef_"][0] += 1e-6
    file.write_text(json.dumps(document, indent=2))
    refused(map_save, "sha256 does not match its content")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (None, "not valid JSON.*truncated or malformed"),  # the real file cut in half
        ('{"format_version": 2, "class": "BayesianRegression",}', "not valid JSON"),
        ("[1, 2]", "a JSON list, not an object"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("", "not valid JSON"),
    ],
    ids=["truncated", "trailing-comma", "list", "binary", "empty"],
)
def test_truncated_or_malformed_json_is_refused(map_save, text, match):
    file = map_save / "estimator.json"
    if text is None:
        file.write_bytes(file.read_bytes()[: len(file.read_bytes()) // 2])
    elif isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(text)
    refused(map_save, match)


@pytest.mark.parametrize(
    ("version", "match"),
    [
        (1, "written in format 1, which this bayesreg no longer reads.*fit the estimator again"),
        (3, "format version 3; this bayesreg reads format 2 only"),
        ("2", "format version '2'"),
        (None, "format version None"),
    ],
)
def test_other_format_versions_are_refused(map_save, version, match):
    reseal(map_save, lambda d: d.update(format_version=version))
    refused(map_save, match)


def test_a_version_1_save_is_refused_with_a_clear_message(tmp_path):
    """What the previous save() wrote: no checksums, no fitted kind."""
    (tmp_path / "estimator.json").write_text(
        json.dumps({"format_version": 1, "class": "BayesianRegression", "params": {}, "fitted": {}})
    )
    refused(tmp_path, "format 1.*no longer reads")


def test_load_rejects_other_folders_and_paths(tmp_path):
    (tmp_path / "estimator.json").write_text('{"class": "Ridge", "format_version": 1}')
    refused(tmp_path, "does not hold a saved BayesianRegression")
    (tmp_path / "empty").mkdir()
    refused(tmp_path / "empty", "is missing: .* does not hold a saved BayesianRegression")
    with pytest.raises(ValueError, match="does not exist"):
        BayesianRegression.load(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="is not a folder"):
        BayesianRegression.load(tmp_path / "estimator.json")


def _set(path: str, value):
    def change(document):
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value

    return change


def _shift_first(path: str, amount: float):
    def change(document):
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[key]
        target[last][0] += amount

    return change


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_shift_first("fitted.coef_", 1e-3), "fitted.coef_ as stored .* disagrees"),
        (_set("fitted.sigma_", 2.0), "fitted.sigma_ as stored .* disagrees"),
        (_set("fitted.intercept_", 0.5), "fitted.intercept_ as stored .* disagrees"),
        (_shift_first("fitted.map_.coef", 1e-3), "fitted.coef_ as stored .* disagrees"),
        (
            _set("fitted.x_scale", [1.0, 1.0, 1.0]),
            r"fitted.x_scale must be a list of 4 numbers \(n_features_in_\), got 3",
        ),
        (
            _set("fitted.x_scale", [1.0, 1.0, 1.0, 1.0, 1.0]),
            r"fitted.x_scale must be a list of 4 numbers \(n_features_in_\), got 5",
        ),
        (_set("fitted.x_scale", [1.0, 1.0, 0.0, 1.0]), r"fitted.x_scale\[2\] must be a positive number"),
        (_set("fitted.coef_", [1.0, "2", 3.0, 4.0]), r"fitted.coef_\[1\] must be a finite number"),
        (_set("fitted.n_features_in_", "4"), "fitted.n_features_in_ must be an integer"),
        (_set("fitted.feature_names_in_", ["a", "b"]), "feature_names_in_ must be null or a list of 4 strings"),
        (
            _set("fitted.feature_names_in_", ["a", "b", "c", "d", "e"]),
            "feature_names_in_ must be null or a list of 4 strings",
        ),
        (_set("fitted.sigma_", KeyError), "\"fitted\" lacks 'sigma_'"),
        (_set("fitted.extra_", 1), "\"fitted\" has unexpected 'extra_'"),
        (_set("fitted.kind", "bayes"), 'fitted.kind must be "map" or "nuts"'),
        (_set("fitted.map_.n_iter", 2.5), "fitted.map_.n_iter must be an integer"),
        (_set("fitted.map_.weights", {"l1": 0.0, "l2": 0.0}), "fitted.map_.weights is invalid"),
        (_set("fitted.map_.certificate", KeyError), "fitted.map_ lacks 'certificate'"),
        (_set("fitted.equivalent_penalty_.class", "SGDRegressor"), "equivalent_penalty_ must be one of"),
        (_set("fitted.equivalent_penalty_.params.alpha", "big"), "equivalent_penalty_ Lasso.* is invalid"),
        (_set("params.draws", 1.5), "parameter draws must be an integer"),
        (_set("params.sigma", -1.0), "parameter sigma must be null, 'auto' or a positive number"),
        (_set("params.sigma", -0.5), "parameter sigma must be null, 'auto' or a positive number"),
        (_set("params.sigma", 0.0), "parameter sigma must be null, 'auto' or a positive number"),
        (_set("fitted.sigma_", -2.0), "fitted.sigma_ must be a positive number, got -2.0"),
        (_set("params.fit_intercept", 1), "parameter fit_intercept must be true or false"),
        (_set("params.tune", KeyError), "\"params\" lacks 'tune'"),
        (_set("params.prior.class", "Cauchy"), "unknown prior class 'Cauchy'"),
        (_set("params.prior.params", {"scale": -1.0}), r"parameter prior Laplace\(.*\) cannot be rebuilt"),
        (_set("files", {"idata.zarr/zarr.json": "0" * 64}), "a MAP fit stores no files"),
        (_set("files", {"../outside": "0" * 64}), "not a path inside idata.zarr"),
        (_set("files", {"idata.zarr/../estimator.json": "0" * 64}), "not a path inside idata.zarr"),
        (_set("files", {"idata.zarr": "0" * 64}), "not a path inside idata.zarr"),
        (_set("files", {"aside/zarr.json": "0" * 64}), "not a path inside idata.zarr"),
        (_set("files", {"other/zarr.json": "0" * 64}), "not a path inside idata.zarr"),
        (_set("files", {"idata.zarr/zarr.json": "0" * 63}), "not a sha256 hex digest"),
        (_set("files", {"idata.zarr/zarr.json": "0" * 65}), "not a sha256 hex digest"),
        (_set("files", {"idata.zarr/zarr.json": "G" * 64}), "not a sha256 hex digest"),
        (_set("files", {"idata.zarr/a\\b": "0" * 64}), "not a path inside idata.zarr"),
        (_set("fitted.n_features_in_", 0), "fitted.n_features_in_ must be an integer >= 1, got 0"),
        (_set("class", "Ridge"), "does not hold a saved BayesianRegression"),
        (_set("class", "ARDRegression"), "does not hold a saved BayesianRegression"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_forged_documents_are_refused(map_save, change, match):
    """A document changed and resealed with fresh checksums: the content checks still catch it."""
    reseal(map_save, change)
    refused(map_save, match)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_shift_first("fitted.coef_median_", 1e-3), "fitted.coef_median_ as stored .* disagrees"),
        (_set("fitted.intercept_median_", 0.0), "fitted.intercept_median_ as stored .* disagrees"),
        (_set("fitted.nuts_sampler_", "nutpie"), "fitted.nuts_sampler_ is 'nutpie', the posterior says 'pymc'"),
        (_set("fitted.nuts_sampler_", "stan"), "fitted.nuts_sampler_ is 'stan', the posterior says 'pymc'"),
        (_set("fitted.diagnostics_.problems", "none"), "fitted.diagnostics_.problems must be a list of strings"),
        (_set("fitted.map_", {}), "\"fitted\" has unexpected 'map_'"),
        (_set("files", {}), 'a NUTS fit stores its posterior in idata.zarr, but "files" lists none'),
    ],
    ids=["median", "intercept-median", "sampler", "sampler-after-pymc", "problems", "map-field", "no-files"],
)
def test_forged_nuts_documents_are_refused(nuts_save, change, match):
    reseal(nuts_save, change)
    refused(nuts_save, match)


def _rewrite_posterior(folder: Path, change) -> None:
    idata = xr.open_datatree(folder / "idata.zarr", engine="zarr", consolidated=False).load()
    idata["posterior"] = xr.DataTree(change(idata["posterior"].to_dataset()))
    shutil.rmtree(folder / "idata.zarr")
    idata.to_zarr(folder / "idata.zarr", consolidated=False)
    reseal(folder)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda ds: ds.drop_vars("sigma"), r"posterior has no sigma \(sigma=None\)"),
        (lambda ds: ds.drop_vars("intercept"), r"posterior has no intercept \(fit_intercept=True\)"),
        (lambda ds: ds.assign(beta=ds["beta"].where(ds["draw"] != 3)), "posterior.beta holds non-finite values"),
        (lambda ds: ds.assign(intercept=ds["intercept"].round().astype(int)), "posterior.intercept has dtype int64"),
        (lambda ds: ds.assign(intercept=ds["intercept"] > 0), "posterior.intercept has dtype bool, expected floating"),
        (lambda ds: ds.rename({"chain": "c"}), r"posterior.beta has dimensions \('c', 'draw', 'feature'\)"),
        (
            lambda ds: ds.transpose("draw", "chain", ...),
            r"posterior.beta has dimensions \('draw', 'chain', 'feature'\), expected \(chain, draw, feature\)$",
        ),
        (lambda ds: ds.isel(feature=slice(0, 3)), "posterior.beta has 3 features, n_features_in_ is 4"),
        (
            lambda ds: ds.reindex(feature=[*ds["feature"].values, "extra"], fill_value=0.0),
            "posterior.beta has 5 features, n_features_in_ is 4",
        ),
        (lambda ds: ds.assign(sigma=-ds["sigma"]), "posterior.sigma holds values <= 0"),
        (lambda ds: ds.assign(sigma=ds["sigma"].where(ds["draw"] != 2, 0.0)), "posterior.sigma holds values <= 0"),
        (
            lambda ds: ds.assign(beta=ds["beta"].isel(feature=0)),
            r"posterior.beta has dimensions \('chain', 'draw'\), expected \(chain, draw, feature\)$",
        ),
        (
            lambda ds: ds.assign(intercept=ds["beta"]),
            r"posterior.intercept has dimensions \('chain', 'draw', 'feature'\), expected \(chain, draw\)$",
        ),
        (lambda ds: ds.assign(beta=ds["beta"] + 0.01), "fitted.coef_ as stored .* disagrees"),
    ],
    ids=[
        "no-sigma",
        "no-intercept",
        "nan",
        "int",
        "bool",
        "chain-renamed",
        "draw-first",
        "features",
        "more-features",
        "negative-sigma",
        "zero-sigma",
        "beta-2d",
        "intercept-3d",
        "shifted",
    ],
)
def test_forged_posteriors_are_refused(nuts_save, change, match):
    """A posterior rewritten with fresh checksums: the checks of what the estimator predicts with catch it."""
    _rewrite_posterior(nuts_save, change)
    refused(nuts_save, match, file="estimator.json" if "fitted." in match else "idata.zarr")


def test_sigma_auto_and_an_unrepresentable_twin_are_saved(tmp_path, diabetes_std):
    """Found by review: save() refused sigma='auto' and failed with AttributeError when equivalent_penalty_ was None."""
    import warnings

    X, y = diabetes_std
    auto = BayesianRegression(br.Laplace(5.0), sigma="auto").fit(X, y)
    loaded = BayesianRegression.load(auto.save(tmp_path / "auto"))
    assert loaded.sigma == "auto" and loaded.sigma_ == auto.sigma_
    np.testing.assert_array_equal(loaded.predict(X), auto.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        huge = BayesianRegression(br.Laplace(5.0), sigma=1e200).fit(X, y)
    assert huge.equivalent_penalty_ is None
    loaded = BayesianRegression.load(huge.save(tmp_path / "huge"))
    assert loaded.equivalent_penalty_ is None
    np.testing.assert_array_equal(loaded.coef_, huge.coef_)


def test_sigma_auto_nuts_round_trip(tmp_path, diabetes_std):
    X, y = diabetes_std
    est = BayesianRegression(
        br.Normal(10.0), sigma="auto", method="nuts", draws=30, tune=30, chains=2, random_seed=1, progressbar=False
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    loaded = BayesianRegression.load(est.save(tmp_path / "nuts"))
    np.testing.assert_array_equal(loaded.predict_interval(X[:5]), est.predict_interval(X[:5]))


def test_a_single_feature_fit_round_trips(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 1))
    y = 2.0 * X[:, 0] + rng.normal(size=30)
    est = BayesianRegression(br.Laplace(1.0), sigma="auto").fit(X, y)
    loaded = BayesianRegression.load(est.save(tmp_path / "fit"))
    assert loaded.n_features_in_ == 1
    np.testing.assert_array_equal(loaded.coef_, est.coef_)


def test_a_save_from_before_the_student_t_likelihood_and_penalty_factors_loads(map_fit, map_save):
    """Format 2 written before ``likelihood``, ``nu`` and ``penalty_factor`` existed: it meant the normal
    likelihood and no factor, and loads as that; a save with them keeps them."""

    def older(document):
        del document["params"]["likelihood"], document["params"]["nu"]
        assert "penalty_factor" not in document["params"]["prior"]["params"]  # none stored when there is none

    reseal(map_save, older)
    loaded = BayesianRegression.load(map_save)
    assert (loaded.likelihood, loaded.nu) == ("normal", 4.0)
    assert_same_fit(loaded, map_fit)
    reseal(map_save, lambda document: document["params"].update(likelihood="cauchy"))
    refused(map_save, "likelihood")
