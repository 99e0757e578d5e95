"""``bayesreg demo``: run in-process with tiny NUTS settings; files, report, printed output, bad options.

Two runs sample (diabetes and a CSV, four NUTS fits each at 2 chains x 100 draws): the rest
checks options and formatting without building any model.
"""

import base64
import contextlib
import importlib
import io
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Lasso

import bayesreg.apps.demo
from bayesreg.apps.cli import _step_printer, main
from bayesreg.apps.demo import (
    FIGURES,
    REPORT_NAME,
    DemoResult,
    Step,
    check_out,
    check_settings,
    default_out,
    max_relative_difference,
    run_demo,
    standardize_columns,
)
from bayesreg.apps.report import TITLE, embed_png, render_report
from bayesreg.optimize.paths import alpha_grid

TINY = ["--draws", "100", "--tune", "100", "--chains", "2"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEP_LINE = re.compile(r"^\[(\d)/9\] (.+) \.\.\. (\d+\.\d) s$", re.MULTILINE)
LARGEST = re.compile(r"^largest coefficient difference relative to the largest coefficient: (\S+)$", re.MULTILINE)

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


def _run(argv):
    """``main(argv)`` with stdout and stderr captured (for module-scoped fixtures, where capsys is not available)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def diabetes_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "report folder"
    status, out, err = _run(["demo", *TINY, "--seed", "3", "--out", str(folder)])
    return SimpleNamespace(status=status, out=out, err=err, folder=folder)


# --------------------------------------------------------------------------------------------
# the default data set (one run, several checks)
# --------------------------------------------------------------------------------------------


def test_demo_succeeds_and_ends_with_the_folder(diabetes_run):
    assert diabetes_run.status == 0, diabetes_run.err
    last = diabetes_run.out.rstrip().splitlines()[-1]
    assert last == f"Report written to {diabetes_run.folder.resolve()}"
    assert Path(last.removeprefix("Report written to ")).is_absolute()
    assert sorted(p.name for p in diabetes_run.folder.parent.iterdir()) == ["report folder"]  # no staging left


def test_every_figure_is_a_png(diabetes_run):
    # the names are an interface: tests/test_readme.py checks the README embeds exactly these
    written = sorted(p.name for p in diabetes_run.folder.iterdir())
    assert written == sorted([*FIGURES, REPORT_NAME])
    for name in FIGURES:
        data = (diabetes_run.folder / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        assert len(data) > 10_000, name  # a drawn figure, not an empty canvas


def test_report_embeds_every_figure_and_the_tables(diabetes_run):
    html = (diabetes_run.folder / REPORT_NAME).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    for name in FIGURES:
        uri = embed_png(diabetes_run.folder / name)
        assert uri.startswith("data:image/png;base64,")
        assert f'<img src="{uri}"' in html, name
        assert base64.b64decode(uri.split(",", 1)[1]).startswith(PNG_SIGNATURE)
    assert html.count("data:image/png;base64,") == len(FIGURES)
    # self-contained: nothing fetched from elsewhere
    assert not re.search(r"(src|href)=\"(?!data:|#)", html)
    assert "<script" not in html and "<link" not in html and "@import" not in html
    # the strengths, 3 comparison tables, 3 posterior tables, diagnostics, settings, timings, versions; the
    # classification section's 2 comparisons, probabilities and coefficients
    assert html.count("<table") == 15
    for text in ["Ridge", "Lasso", "ElasticNet", "closed form", "MAP", "difference", "certificate"]:
        assert text in html, text
    for text in ["median", "lower", "upper", "p_near_zero", "prior_p_near_zero"]:
        assert f"<th>{text}</th>" in html, text
    for text in ["divergences", "max r_hat", "min ESS bulk", "min ESS tail", "sampler"]:
        assert f"<th>{text}</th>" in html, text
    for text in ["bmi", "s6", "diabetes (n=442, p=10, standardized columns)", "pymc", "scikit-learn", "seed 3"]:
        assert text in html, text


def test_laplace_vs_gaussian_caption(diabetes_run):
    html = (diabetes_run.folder / REPORT_NAME).read_text(encoding="utf-8")
    caption = re.search(r"<code>laplace_vs_gaussian.png</code>: (.*?)</figcaption>", html, re.DOTALL).group(1)
    assert " only " not in caption
    # the band of the caption is the near-zero window of the Laplace posterior's table
    (laplace_eps,) = re.findall(r"^Laplace prior, sigma=.*near zero means \|beta\| <= (\S+)$", diabetes_run.out, re.M)
    assert f"of its mass within {laplace_eps} of 0 (grey band;" in caption


def test_printed_comparison(diabetes_run):
    out = diabetes_run.out
    assert out.startswith("data: diabetes (n=442, p=10, standardized columns)\n")
    assert re.search(r"^sigma: \S+ \(residual sd of least squares; fixed in every model\)$", out, re.MULTILINE)
    regression = out.split("4. Classification")[0]
    summaries = [line for line in regression.splitlines() if "  <->  prior " in line]
    assert [s.split("(")[0] for s in summaries] == ["Ridge", "Lasso", "ElasticNet"]
    assert regression.count("support agrees: True") == 3
    assert regression.count("certificate (relative KKT violation)") == 3
    largest = LARGEST.findall(out)
    assert len(largest) == 1 and 0 <= float(largest[0]) <= 1e-6


def test_printed_posterior_and_diagnostics(diabetes_run):
    out = diabetes_run.out
    for prior in ["Normal prior, sigma=", "Laplace prior, sigma=", "ElasticNet prior, sigma="]:
        assert prior in out
    header = [line.split() for line in out.splitlines() if line.split()[:2] == ["penalized", "map"]]
    assert len(header) == 3
    assert header[0] == [
        "penalized",
        "map",
        "mean",
        "median",
        "lower",
        "upper",
        "sd",
        "p_near_zero",
        "prior_p_near_zero",
    ]
    section = out[out.index("3. Sampling diagnostics") : out.index("4. Classification")]
    for column in ["sampler", "divergences", "max r_hat", "min ESS bulk", "min ESS tail"]:
        assert column in section
    rows = [line for line in section.splitlines() if "prior" in line and ("pymc" in line or "nutpie" in line)]
    assert len(rows) == 5  # three twins, the Gaussian of the Laplace prior's variance, the logistic Laplace
    # 2 chains x 100 draws cannot pass the ESS check: the problems are listed, not raised as warnings
    assert "Problems reported by the sampler:" in section
    for name in [*FIGURES, REPORT_NAME]:
        assert f"  {name}  " in out


def test_classification_section(diabetes_run):
    """Breast cancer: LogisticRegression's L2 and L1 fits are their priors' MAPs, the L1 zeros exact; the
    posterior's probabilities and a zeroed coefficient are printed and drawn."""
    out = diabetes_run.out
    section = out.split("4. Classification: sparse logistic regression as a Laplace prior")[1].split("5. Files")[0]
    assert "breast cancer (scikit-learn's): n=569, the 10 mean_* columns standardized" in section
    summaries = [line for line in section.splitlines() if "<->" in line]
    assert [line.split("  <->")[0] for line in summaries] == [
        "LogisticRegression(C=0.1, l1_ratio=0.0)",
        "LogisticRegression(C=0.1, l1_ratio=1.0)",
    ]
    differences = [float(m) for m in re.findall(r"max \|MAP - LogisticRegression\| = (\S+)", section)]
    assert len(differences) == 2 and max(differences) <= 1e-7
    assert section.count("support agrees: True") == 2
    assert "Predicted probability of benign" in section and "the zero is the mode's" in section
    html = (diabetes_run.folder / REPORT_NAME).read_text(encoding="utf-8")
    assert "4. Classification" in html and "Predicted probability of benign" in html
    assert "Laplace prior, logistic (breast cancer)" in out  # its diagnostics row


def test_the_strengths_are_cross_validated_unless_given(diabetes_run, tmp_path):
    """By default each penalty's alpha is BayesianRegressionCV's lambda.min (5 folds, the exact MAP path), which is
    LassoCV's / ElasticNetCV's choice on the same (standardized) data; a given alpha is used as given, and the
    curves are drawn either way."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNetCV, LassoCV

    from bayesreg.apps.demo import choose_strengths, prepare_data, standardize_columns

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    Xs = standardize_columns(X)
    lasso = LassoCV(cv=5, tol=1e-12, max_iter=1_000_000).fit(Xs, y)
    enet = ElasticNetCV(cv=5, l1_ratio=0.5, tol=1e-12, max_iter=1_000_000).fit(Xs, y)
    assert f"Lasso(alpha={lasso.alpha_:.4g}) (CV)" in diabetes_run.out
    # ElasticNetCV's best is its grid's smallest strength on diabetes: the headline says so
    assert f"ElasticNet(alpha={enet.alpha_:.4g}, l1_ratio=0.5) (CV, at the end of its grid)" in diabetes_run.out
    assert "0. Penalty strengths" in diabetes_run.out
    frame, target, sigma, _ = prepare_data(X, y, sigma=None)
    settings = {"alpha": 0.5, "ridge_alpha": "cv", "l1_ratio": 0.5}
    chosen, table, fits = choose_strengths(frame, target, settings, sigma)
    assert chosen["alpha"] == chosen["enet_alpha"] == 0.5 and table.loc["Lasso", "from"] == "given"
    assert chosen["ridge_alpha"] == fits["Ridge"].alpha_ and table.loc["Ridge", "from"].startswith("5-fold CV")
    assert fits["Lasso"].alpha_ == pytest.approx(lasso.alpha_, rel=1e-12, abs=0)
    assert fits["Lasso"].sigma_ == sigma  # the prior is stated at the demo's sigma
    # the ridge grid reaches far enough down for diabetes' optimum (inside it: a real minimum, not an end point)
    assert fits["Ridge"].alphas_[-1] < fits["Ridge"].alpha_ < fits["Ridge"].alphas_[0]
    # a given strength outside the grid has no interpolated CV error, and says why
    _, table, _ = choose_strengths(frame, target, {**settings, "ridge_alpha": 1e9}, sigma)
    assert np.isnan(table.loc["Ridge", "CV error at alpha used"]) and "outside the grid" in table.loc["Ridge", "note"]


def test_an_alpha_whose_laplace_variance_underflows_is_a_usage_error(tmp_path, capsys):
    """Found by review: --alpha 1e300 passed the check, sampled, then failed building step 6's Gaussian prior of the
    Laplace prior's variance (2 b^2 underflows to 0). Now a one-line usage error before anything compiles."""
    status = main(["demo", "--alpha", "1e300", "--out", str(tmp_path / "out"), *TINY])
    err = capsys.readouterr().err.strip()
    assert status == 2 and err.startswith("error: Lasso(alpha=1e+300)") and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_progress_lines(diabetes_run):
    steps = STEP_LINE.findall(diabetes_run.err)
    assert [int(k) for k, _, _ in steps] == list(range(1, 10))
    titles = [title for _, title, _ in steps]
    assert titles[0] == "Strengths: 5-fold cross-validation of the exact MAP paths"
    assert titles[2:7] == [
        "NUTS: Gaussian prior (Ridge's twin)",
        "NUTS: Laplace prior (Lasso's twin)",
        "NUTS: elastic-net prior (ElasticNet's twin)",
        "NUTS: Gaussian prior of the Laplace prior's variance",
        "Classification: LogisticRegression vs exact MAP, NUTS (breast cancer)",
    ]
    assert "[" not in diabetes_run.out.splitlines()[0]  # the steps go to stderr, the results to stdout


# --------------------------------------------------------------------------------------------
# a CSV file with --target, default folder in the current directory, --quiet
# --------------------------------------------------------------------------------------------


def test_demo_csv_quiet(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3)) * [1.0, 5.0, 0.2]
    frame = pd.DataFrame(X, columns=["rooms", "area", "noise_col"])
    frame["price"] = 3.0 + X @ [1.0, 0.4, 0.0] + rng.normal(0, 0.5, 40)
    frame.to_csv(tmp_path / "houses.csv", index=False)
    monkeypatch.chdir(tmp_path)
    argv = ["demo", "--data", "houses.csv", "--target", "price", "--sigma", "0.5", "--quiet", "--no-classification"]
    status, out, err = _run([*argv, *TINY, "--alpha", "0.05", "--ridge-alpha", "2"])
    assert status == 0, err
    folder = tmp_path / "bayesreg-demo-houses"
    assert out.rstrip().splitlines()[-1] == f"Report written to {folder.resolve()}"
    assert out.startswith("data: houses.csv (n=40, p=3, standardized columns)\n")
    assert "sigma: 0.5 (given; fixed in every model)" in out
    assert "Lasso(alpha=0.05)" in out and "Ridge(alpha=2.0)" in out
    assert not STEP_LINE.search(err) and "[1/9]" not in err  # --quiet: no steps
    regression_figures = [name for name in FIGURES if name != "classification.png"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*regression_figures, REPORT_NAME])
    for name in regression_figures:
        assert (folder / name).read_bytes().startswith(PNG_SIGNATURE)
    html = (folder / REPORT_NAME).read_text(encoding="utf-8")
    assert "noise_col" in html and html.count("data:image/png;base64,") == len(regression_figures)
    assert "Classification" not in out and "Classification" not in html and "\n4. Files\n" in out


# --------------------------------------------------------------------------------------------
# bad options: exit status 2, a message naming the option, nothing built or written
# --------------------------------------------------------------------------------------------


@pytest.fixture
def no_models(monkeypatch, tmp_path):
    """Any model build fails the test; the working directory is an empty temporary folder."""

    def fail(*args, **kwargs):
        raise AssertionError("a model was built before the options were checked")

    for module in [
        "bayesreg.model",
        "bayesreg.analysis.compare",
        "bayesreg.estimators.base",
        "bayesreg.optimize.map",
        "bayesreg.analysis.posterior_path",
    ]:
        monkeypatch.setattr(importlib.import_module(module), "build_model", fail)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _usage_error(argv, capsys) -> str:
    """Run a command that must fail as a usage error (status 2); return its message."""
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse
        status = exc.code
    assert status == 2
    captured = capsys.readouterr()
    assert "Report written" not in captured.out and "<->" not in captured.out
    return captured.err


@pytest.mark.parametrize(
    "args, name",
    [
        (["--draws", "0"], "--draws"),
        (["--draws", "-10"], "--draws"),
        (["--draws", "1.5"], "--draws"),  # argparse: invalid int value
        (["--tune", "-1"], "--tune"),
        (["--chains", "0"], "--chains"),
        (["--chains", "1"], "--chains"),  # r_hat needs 2
        (["--seed", "-1"], "--seed"),
        (["--alpha", "0"], "--alpha"),
        (["--alpha", "nan"], "--alpha"),
        (["--ridge-alpha", "-2"], "--ridge-alpha"),
        (["--l1-ratio", "0"], "--l1-ratio"),
        (["--l1-ratio", "1.5"], "--l1-ratio"),
        (["--sigma", "0"], "--sigma"),
        (["--sigma", "inf"], "--sigma"),
        (["--data", "nope.csv", "--target", "y"], "--data"),
        (["--data", "prostate", "--target", "lpsa"], "--target"),
    ],
)
def test_bad_option(args, name, no_models, capsys):
    message = _usage_error(["demo", *args], capsys)
    assert name in message and "error" in message
    assert not any(no_models.iterdir())  # no output folder made


def test_one_chain_is_refused(no_models, capsys):
    assert "--chains must be >= 2: r_hat needs at least 2 chains, got 1" in _usage_error(
        ["demo", "--chains", "1"], capsys
    )
    with pytest.raises(ValueError, match="^chains must be >= 2: r_hat needs at least 2 chains"):
        check_settings(chains=1)


def test_out_is_a_file(no_models, capsys):
    (no_models / "taken").write_text("not a folder")
    message = _usage_error(["demo", "--out", "taken"], capsys)
    assert message.startswith("error: --out") and "not a folder" in message


def test_csv_problems(no_models, capsys):
    pd.DataFrame({"a": [1.0, np.nan, 3.0], "t": ["x", "y", "z"], "u": [1.0, 2.0, 3.0]}).to_csv("d.csv", index=False)
    assert "--target" in _usage_error(["demo", "--data", "d.csv"], capsys)
    assert "d.csv: the target column 't' is not numeric" in _usage_error(
        ["demo", "--data", "d.csv", "--target", "t"], capsys
    )
    message = _usage_error(["demo", "--data", "d.csv", "--target", "u"], capsys)
    assert "non-numeric" in message and "t" in message


def test_sigma_needed_when_p_exceeds_n(no_models, capsys):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(5, 6)), columns=list("abcdef"))
    frame["y"] = rng.normal(size=5)
    frame.to_csv("wide.csv", index=False)
    message = _usage_error(["demo", "--data", "wide.csv", "--target", "y"], capsys)
    assert message.startswith("error: sigma") and "(--sigma)" in message and "n_samples=5" in message
    assert not (no_models / "bayesreg-demo-wide").exists()


# --------------------------------------------------------------------------------------------
# progress bar, step lines, folder names (no sampling: run_demo is replaced)
# --------------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("tty, quiet", [(False, False), (True, False), (True, True)])
def test_progressbar_only_on_a_tty_and_never_quiet(tty, quiet, monkeypatch, tmp_path):
    seen = {}

    def fake_run_demo(X, y, **kwargs):
        seen.update(kwargs)
        return SimpleNamespace(text=lambda: "tables", out=kwargs["out"])

    monkeypatch.setattr(bayesreg.apps.demo, "run_demo", fake_run_demo)
    stdout = _Tty() if tty else io.StringIO()
    argv = ["demo", "--out", str(tmp_path / "o"), *(["--quiet"] if quiet else [])]
    with contextlib.redirect_stdout(stdout):
        assert main(argv) == 0
    assert seen["progressbar"] is (tty and not quiet)
    assert (seen["progress"] is None) is quiet
    assert seen["draws"] == 1000 and seen["tune"] == 1000 and seen["chains"] == 4 and seen["seed"] == 0
    assert seen["sigma"] is None and seen["data_label"] == "diabetes"
    assert stdout.getvalue() == f"tables\n\nReport written to {tmp_path / 'o'}\n"


def test_step_printer():
    plain = io.StringIO()
    report = _step_printer(plain, own_lines=False)
    report(Step(3, 7, "NUTS: Laplace prior"))
    assert plain.getvalue() == "[3/7] NUTS: Laplace prior ..."  # the line stays open while it works
    report(Step(3, 7, "NUTS: Laplace prior", 12.34))
    assert plain.getvalue() == "[3/7] NUTS: Laplace prior ... 12.3 s\n"
    framed = io.StringIO()  # with a progress bar in between, start and end get lines of their own
    report = _step_printer(framed, own_lines=True)
    report(Step(3, 7, "NUTS: Laplace prior"))
    report(Step(3, 7, "NUTS: Laplace prior", 12.34))
    assert framed.getvalue() == "[3/7] NUTS: Laplace prior ...\n[3/7] NUTS: Laplace prior ... 12.3 s\n"


def test_default_out(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert default_out("diabetes") == tmp_path / "bayesreg-demo-diabetes"
    assert default_out("prostate") == tmp_path / "bayesreg-demo-prostate"
    assert default_out("/data/my house prices.csv") == tmp_path / "bayesreg-demo-my_house_prices"


def test_note_when_the_lasso_zeroes_everything():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    y = X.to_numpy() @ [1.0, 0.0, 0.5] + rng.normal(size=50)
    alpha_max = alpha_grid(X, y, n_alphas=1)[0]
    # the threshold, checked by scikit-learn itself: every coefficient 0 just above it, not just below
    assert np.all(Lasso(alpha=alpha_max * (1 + 1e-6), tol=1e-12).fit(X, y).coef_ == 0.0)
    assert np.any(Lasso(alpha=alpha_max * (1 - 1e-3), tol=1e-12).fit(X, y).coef_ != 0.0)
    zeros = {"Lasso": SimpleNamespace(map_coef=np.zeros(3))}
    (note,) = bayesreg.apps.demo._notes(zeros, X, y, 5.0)
    assert note.startswith("Lasso(alpha=5) sets every coefficient to 0") and f"{alpha_max:.3g}" in note
    assert "--alpha" in note
    assert bayesreg.apps.demo._notes({"Lasso": SimpleNamespace(map_coef=np.array([0.0, 0.1, 0.0]))}, X, y, 5.0) == []


def test_note_when_no_column_correlates_with_y():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    (note,) = bayesreg.apps.demo._notes({"Lasso": SimpleNamespace(map_coef=np.zeros(1))}, X, np.ones(4), 1.0)
    assert note.startswith("Lasso(alpha=1) sets every coefficient to 0") and "every alpha" in note


# --------------------------------------------------------------------------------------------
# the summary's "all fits OK" sentence (a DemoResult built by hand, no sampling)
# --------------------------------------------------------------------------------------------


def _result(max_rhat: list[float], problems=()) -> DemoResult:
    diagnostics = pd.DataFrame(
        {
            "prior": [f"prior {k}" for k in range(len(max_rhat))],
            "sampler": "pymc",
            "chains": 2,
            "draws": 2000,
            "divergences": 0,
            "max r_hat": max_rhat,
            "min ESS bulk": 900.0,
            "min ESS tail": 800.0,
            "seconds": 1.0,
            "ok": not problems,
        }
    ).set_index("prior")
    return DemoResult(
        out=Path("/tmp/demo"),
        settings={"data": "toy"},
        versions={"python": "3"},
        comparisons={},
        comparison_tables={},
        posteriors={},
        posterior_tables={},
        diagnostics=diagnostics,
        problems=list(problems),
    )


def test_all_fits_ok_claims_r_hat_only_when_computed():
    ok = _result([1.002, 1.004])
    assert "All fits OK: no divergences, max r_hat <= 1.01, at least 100 effective draws per chain." in ok.text()
    assert "All fits passed: no divergences, max r_hat &lt;= 1.01, at least 100 effective" in render_report(ok)
    assert "Problems reported" not in ok.text() + render_report(ok)
    one_chain = _result([1.002, float("nan")])  # r_hat is NaN with one chain (bayesreg.inference.sampling.diagnose)
    for text in (one_chain.text(), render_report(one_chain)):
        assert "All fits" in text and "r_hat not computed for every fit (it needs at least 2 chains)" in text
        assert "r_hat <= 1.01" not in text and "r_hat &lt;= 1.01" not in text
    problem = _result([1.2], problems=["prior 0: max r_hat is 1.200 > 1.01"])
    assert "Problems reported by the sampler:" in problem.text() and "All fits" not in problem.text()


# --------------------------------------------------------------------------------------------
# helpers shared with ``bayesreg compare``
# --------------------------------------------------------------------------------------------


def test_max_relative_difference():
    def comparison(coef, diff):
        return SimpleNamespace(penalty_coef=np.array(coef), difference=np.array(diff))

    assert max_relative_difference([]) == 0.0
    pair = [comparison([2.0, -4.0], [1e-8, -2e-8]), comparison([0.0, 0.0], [3e-9, 0.0])]
    assert max_relative_difference(pair) == pytest.approx(5e-9)  # max(2e-8 / 4, 3e-9 absolute for all-zero)
    assert max_relative_difference([comparison([0.0], [1e-7])]) == pytest.approx(1e-7)


def test_standardize_columns():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 6.0], "const": [5.0, 5.0, 5.0, 5.0]})
    Xs = standardize_columns(X)
    np.testing.assert_allclose(Xs.mean(), 0.0, atol=1e-15)
    assert Xs["a"].std(ddof=0) == pytest.approx(1.0)
    assert list(Xs["const"]) == [0.0] * 4  # a constant column is centred, not divided by 0


# --------------------------------------------------------------------------------------------
# run_demo: bad data fails up front, naming X or y; a failure later is not hidden
# --------------------------------------------------------------------------------------------

_Y4 = [1.0, 2.0, 0.5, 3.0]


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (None, _Y4, ValueError, "^X is required"),
        (np.array([["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]]), _Y4, ValueError, "^X must be numeric"),
        ([[1.0, 2.0], [3.0]], _Y4, ValueError, "^X must be a 2-D array-like"),
        (np.zeros((4, 2, 2)), _Y4, ValueError, r"^X must be 2-D .* 3-D array of shape \(4, 2, 2\)"),
        (np.arange(4.0), _Y4, ValueError, r"^X must be 2-D .*1-D.*reshape\(-1, 1\)"),
        (np.ones((1, 2)), [1.0], ValueError, "^X must have at least 2 samples"),
        (np.ones((4, 0)), _Y4, ValueError, "^X has no feature columns"),
        (
            pd.DataFrame([[1.0, 2.0, 3.0]] * 4, columns=["a", "b", "a"]),
            _Y4,
            ValueError,
            "^X: duplicate column names a$",
        ),
        (pd.DataFrame({0: [1.0] * 4, "x0": [2.0] * 4}), _Y4, ValueError, "^X: duplicate column names x0$"),
        (pd.DataFrame({"a": [1.0] * 4, "b": list("wxyz")}), _Y4, ValueError, "^X: non-numeric columns b$"),
        (
            np.array([[1.0, np.nan]] + [[1.0, 2.0]] * 3),
            _Y4,
            ValueError,
            r"^Input X contains NaN \(missing values\) in column 'x1': 1 of 4 rows \(first: row 0\)$",
        ),
        (
            pd.DataFrame({"a": [1.0] * 4, "b": [0.0, 1.0, np.inf, 2.0]}, index=list("pqrs")),
            _Y4,
            ValueError,
            r"^Input X contains infinity in column 'b': 1 of 4 rows \(first: row 'r'\)$",
        ),
        (np.eye(4)[:, :2], None, ValueError, "^y is required"),
        (np.eye(4)[:, :2], list("abcd"), ValueError, "^y must be numeric"),
        (np.eye(4)[:, :2], _Y4[:3], ValueError, "^X and y must have the same number of samples"),
        (np.eye(4)[:, :2], [1.0, np.inf, 0.0, 2.0], ValueError, "y contains infinity"),
    ],
)
def test_run_demo_bad_data(X, y, error, match, no_models):
    with pytest.raises(error, match=match):
        run_demo(X, y, out=no_models / "out", sigma=1.0)
    assert not (no_models / "out").exists()


@pytest.mark.parametrize("name", ["standardize", "progressbar"])
def test_run_demo_bool_options(name, no_models):
    with pytest.raises(TypeError, match=f"^{name} must be True or False, got 1$"):
        run_demo(np.eye(4)[:, :2], _Y4, out=no_models / "out", sigma=1.0, **{name: 1})


def test_run_demo_names_an_array_s_columns(monkeypatch, tmp_path):
    """An array's columns are x0, x1, ...; the data reach the first step checked and standardized."""
    seen = {}

    def stop(X, y, est, sigma):
        seen.update(X=X, y=y, sigma=sigma)
        raise RuntimeError("stop after the checks")

    monkeypatch.setattr(bayesreg.apps.demo, "compare", stop)
    X = np.arange(12.0).reshape(6, 2) ** [1, 2]
    with pytest.raises(RuntimeError, match="stop after the checks"):
        run_demo(X, range(6), out=tmp_path / "out", sigma=0.5)
    assert list(seen["X"].columns) == ["x0", "x1"] and seen["sigma"] == 0.5
    np.testing.assert_allclose(seen["X"].std(ddof=0), 1.0)
    assert seen["y"].dtype == float and list(seen["y"]) == list(range(6))


def test_a_failure_after_the_checks_is_not_a_usage_error(monkeypatch, tmp_path):
    """Only the checks before any work are usage errors (status 2): a later ValueError propagates."""

    def broken(*args, **kwargs):
        raise ValueError("deep inside the first step")

    monkeypatch.setattr(bayesreg.apps.demo, "compare", broken)
    with pytest.raises(ValueError, match="deep inside the first step"):
        main(["demo", "--quiet", "--sigma", "1", "--out", str(tmp_path / "out"), *TINY])
    assert list(tmp_path.iterdir()) == []  # the unfinished run's folder is removed


# --------------------------------------------------------------------------------------------
# the output folder: one complete run or nothing new (written next to it, renamed into place)
# --------------------------------------------------------------------------------------------


def _previous_run(folder: Path, extra: dict[str, str] | None = None) -> dict[str, object]:
    """A folder as a previous run left it (the demo's report title, stale figures), plus ``extra`` files."""
    folder.mkdir(parents=True)
    (folder / REPORT_NAME).write_text(f"<!DOCTYPE html>\n<html><head><title>{TITLE}</title></head>old run</html>")
    for name in FIGURES[:2]:
        (folder / name).write_bytes(b"old figure " + name.encode())
    for name, text in (extra or {}).items():
        (folder / name).write_text(text)
    return _snapshot(folder)


def _snapshot(folder: Path) -> dict[str, object]:
    """File name -> contents (a sub-folder: its snapshot)."""
    return {p.name: p.read_bytes() if p.is_file() else _snapshot(p) for p in sorted(folder.iterdir())}


def _hidden_leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_out_refuses_a_folder_that_is_not_a_previous_run(no_models, capsys):
    (no_models / "mine").mkdir()
    (no_models / "mine" / "notes.txt").write_text("keep me")
    message = _usage_error(["demo", "--out", "mine"], capsys)
    assert message.startswith(f"error: --out: {str(no_models / 'mine')!r} is a folder that is not empty")
    assert "previous bayesreg demo" in message
    (no_models / "other").mkdir()  # a report.html the demo did not write is not a previous run
    (no_models / "other" / REPORT_NAME).write_text("<html><title>my own report</title></html>")
    assert "'" + str(no_models / "other") + "'" in _usage_error(["demo", "--out", "other"], capsys)
    assert (no_models / "mine" / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in no_models.iterdir()) == ["mine", "other"]


def test_check_out_accepts_new_empty_and_previous_run_folders(tmp_path):
    assert check_out(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking makes nothing
    (tmp_path / "empty").mkdir()
    assert check_out(tmp_path / "empty", "--out") == tmp_path / "empty"
    _previous_run(tmp_path / "old", extra={"notes.txt": "mine"})
    assert check_out(tmp_path / "old") == tmp_path / "old"


def _interrupt_in_first_step(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bayesreg.apps.demo, "compare", interrupted)


def test_ctrl_c_prints_one_line_exits_130_and_writes_nothing(monkeypatch, tmp_path, capsys):
    _interrupt_in_first_step(monkeypatch)
    status = main(["demo", "--sigma", "1", "--out", str(tmp_path / "a" / "b" / "out"), *TINY])
    captured = capsys.readouterr()
    assert status == 130
    # the step's open line is ended, then one line; no traceback
    # the cross-validation step ran; the comparisons' step was interrupted
    assert re.fullmatch(
        r"\[1/9\] Strengths: 5-fold cross-validation of the exact MAP paths \.\.\. \d+\.\d s\n"
        r"\[2/9\] Penalized fits vs exact MAP \(Ridge, Lasso, ElasticNet\) \.\.\.\nbayesreg: interrupted\n",
        captured.err,
    ), captured.err
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []  # no output folder, no staging folder, no parents made for them


def test_ctrl_c_leaves_a_previous_run_untouched(monkeypatch, tmp_path, capsys):
    before = _previous_run(tmp_path / "out", extra={"notes.txt": "mine"})
    _interrupt_in_first_step(monkeypatch)
    assert main(["demo", "--quiet", "--sigma", "1", "--out", str(tmp_path / "out"), *TINY]) == 130
    assert capsys.readouterr().err == "bayesreg: interrupted\n"
    assert _snapshot(tmp_path / "out") == before
    assert _hidden_leftovers(tmp_path) == []


def test_an_interrupt_while_files_are_written_leaves_nothing(tmp_path):
    """The staging folder holds the files until the end: interrupted with half the figures written, they go."""
    before = _previous_run(tmp_path / "out")
    with pytest.raises(KeyboardInterrupt):
        with bayesreg.apps.demo._atomic_run(tmp_path / "out") as (staging, _):
            assert staging.parent == tmp_path and staging.name.startswith(".out.")
            for name in FIGURES[:3]:
                (staging / name).write_bytes(b"new figure")
            raise KeyboardInterrupt
    assert _snapshot(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_publish_replaces_a_previous_run_and_keeps_other_files(tmp_path):
    _previous_run(tmp_path / "out", extra={"notes.txt": "mine"})
    (tmp_path / "out" / "sub").mkdir()
    (tmp_path / "out" / "sub" / "data.csv").write_text("a\n1\n")
    with bayesreg.apps.demo._atomic_run(tmp_path / "out") as (staging, interrupts):
        for name in [*FIGURES, REPORT_NAME]:
            (staging / name).write_text("new " + name)
        replaced, kept = bayesreg.apps.demo._publish(staging, tmp_path / "out", interrupts)
    assert replaced and kept == ["notes.txt", "sub"]
    after = _snapshot(tmp_path / "out")
    assert sorted(after) == sorted([*FIGURES, REPORT_NAME, "notes.txt", "sub"])
    assert all(after[name] == f"new {name}".encode() for name in [*FIGURES, REPORT_NAME])
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "out" / "sub" / "data.csv").read_text() == "a\n1\n"
    assert _hidden_leftovers(tmp_path) == []


@pytest.fixture
def default_sigint():
    """Python's own Ctrl-C handler for the test, whatever this process inherited: a shell starts background jobs
    (``pytest &``, ``nohup``) with SIGINT ignored, and then no KeyboardInterrupt can happen at all."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("default_sigint")
@pytest.mark.parametrize("after_interrupt", ["returns", "raises"])
def test_an_interrupt_pymc_swallows_still_stops_the_demo(after_interrupt, monkeypatch, tmp_path, capsys):
    """pm.sample catches KeyboardInterrupt and returns the draws so far (or fails: "Not enough samples").

    The demo notices the signal itself and stops at the end of the step instead of going on with a
    truncated posterior. The stand-in for pm.sample gets a real SIGINT and swallows it as PyMC does.
    """
    import os
    import signal
    import time

    def sampled_until_interrupted(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler runs here
            raise AssertionError("SIGINT was not delivered")
        except KeyboardInterrupt:
            pass  # pymc.sampling.mcmc: "except KeyboardInterrupt: pass"
        if after_interrupt == "raises":
            raise ValueError("Not enough samples to build a trace.")
        return SimpleNamespace(table=None)

    monkeypatch.setattr(bayesreg.apps.demo, "compare", lambda *a, **k: SimpleNamespace(prior=None))
    monkeypatch.setattr(bayesreg.apps.demo, "posterior_vs_penalty", sampled_until_interrupted)
    status = main(["demo", "--sigma", "1", "--out", str(tmp_path / "out"), *TINY])
    err = capsys.readouterr().err
    assert status == 130
    assert err.endswith("[3/9] NUTS: Gaussian prior (Ridge's twin) ...\nbayesreg: interrupted\n"), err
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the demo's handler is gone again


# --------------------------------------------------------------------------------------------
# y far from unit scale (two more tiny runs): at 0.01 the Lasso's Laplace prior has scale ~1e-7
# --------------------------------------------------------------------------------------------


def _scaled_csv(folder: Path, scale: float) -> Path:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((40, 3)) * [1.0, 5.0, 0.2]
    frame = pd.DataFrame(X, columns=["rooms", "area", "noise_col"])
    frame["y"] = scale * (3.0 + X @ [1.0, 0.4, 0.0] + rng.normal(0, 0.5, 40))
    path = folder / "small.csv"
    frame.to_csv(path, index=False)
    return path


def _check_scaled_run(status, out, err, folder):
    assert status == 0, err
    assert out.rstrip().splitlines()[-1] == f"Report written to {folder}"
    (largest,) = LARGEST.findall(out)
    assert 0 <= float(largest) <= 1e-6
    assert sorted(p.name for p in folder.iterdir() if p.name in FIGURES) == sorted(FIGURES)


def test_demo_y_on_a_small_scale(tmp_path, monkeypatch):
    """y ~ 0.01: Lasso(alpha=1) is Laplace(~1e-7); the posterior tables and the figures still work."""
    path = _scaled_csv(tmp_path, 0.01)
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(["demo", "--data", str(path), "--target", "y", "--quiet", *TINY])
    _check_scaled_run(status, out, err, tmp_path / "bayesreg-demo-small")


def test_demo_y_on_a_large_scale_replacing_a_previous_run(tmp_path):
    """y ~ 1e4, written over a previous run's folder: the run's files replaced, another file kept."""
    path = _scaled_csv(tmp_path, 1e4)
    folder = tmp_path / "out"
    old = _previous_run(folder, extra={"notes.txt": "mine"})
    status, out, err = _run(["demo", "--data", str(path), "--target", "y", "--quiet", "--out", str(folder), *TINY])
    _check_scaled_run(status, out, err, folder)
    new = _snapshot(folder)
    assert sorted(new) == sorted([*FIGURES, REPORT_NAME, "notes.txt"])
    assert new["notes.txt"] == b"mine" and "kept from the replaced folder (not the demo's): notes.txt" in out
    assert all(new[name] != old[name] for name in [*FIGURES[:2], REPORT_NAME])
    assert new[REPORT_NAME].startswith(b"<!DOCTYPE html>") and b"small.csv (n=40, p=3" in new[REPORT_NAME]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.csv"]
