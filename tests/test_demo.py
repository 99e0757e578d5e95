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

import bayesreg.demo
from bayesreg.cli import _step_printer, main
from bayesreg.demo import FIGURES, REPORT_NAME, Step, default_out
from bayesreg.report import embed_png

TINY = ["--draws", "100", "--tune", "100", "--chains", "2"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STEP_LINE = re.compile(r"^\[(\d)/7\] (.+) \.\.\. (\d+\.\d) s$", re.MULTILINE)
LARGEST = re.compile(r"^largest coefficient difference relative to the largest coefficient: (\S+)$", re.MULTILINE)

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.sampling.SamplingWarning")


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
    # 3 comparison tables, 3 posterior tables, diagnostics, settings, timings, versions
    assert html.count("<table") == 10
    for text in ["Ridge", "Lasso", "ElasticNet", "closed form", "MAP", "difference", "certificate"]:
        assert text in html, text
    for text in ["median", "lower", "upper", "p_near_zero", "prior_p_near_zero"]:
        assert f"<th>{text}</th>" in html, text
    for text in ["divergences", "max r_hat", "min ESS bulk", "min ESS tail", "sampler"]:
        assert f"<th>{text}</th>" in html, text
    for text in ["bmi", "s6", "diabetes (n=442, p=10, standardized columns)", "pymc", "scikit-learn", "seed 3"]:
        assert text in html, text


def test_printed_comparison(diabetes_run):
    out = diabetes_run.out
    assert out.startswith("data: diabetes (n=442, p=10, standardized columns)\n")
    assert re.search(r"^sigma: \S+ \(residual sd of least squares; fixed in every model\)$", out, re.MULTILINE)
    summaries = [line for line in out.splitlines() if "  <->  prior " in line]
    assert [s.split("(")[0] for s in summaries] == ["Ridge", "Lasso", "ElasticNet"]
    assert out.count("support agrees: True") == 3
    assert out.count("certificate (relative KKT violation)") == 3
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
    section = out[out.index("3. Sampling diagnostics") : out.index("4. Files")]
    for column in ["sampler", "divergences", "max r_hat", "min ESS bulk", "min ESS tail"]:
        assert column in section
    rows = [line for line in section.splitlines() if "prior" in line and ("pymc" in line or "nutpie" in line)]
    assert len(rows) == 4  # three twins and the Gaussian of the Laplace prior's variance
    # 2 chains x 100 draws cannot pass the ESS check: the problems are listed, not raised as warnings
    assert "Problems reported by the sampler:" in section
    for name in [*FIGURES, REPORT_NAME]:
        assert f"  {name}  " in out


def test_progress_lines(diabetes_run):
    steps = STEP_LINE.findall(diabetes_run.err)
    assert [int(k) for k, _, _ in steps] == list(range(1, 8))
    titles = [title for _, title, _ in steps]
    assert titles[1:5] == [
        "NUTS: Gaussian prior (Ridge's twin)",
        "NUTS: Laplace prior (Lasso's twin)",
        "NUTS: elastic-net prior (ElasticNet's twin)",
        "NUTS: Gaussian prior of the Laplace prior's variance",
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
    argv = ["demo", "--data", "houses.csv", "--target", "price", "--sigma", "0.5", "--quiet", *TINY]
    status, out, err = _run([*argv, "--alpha", "0.05", "--ridge-alpha", "2"])
    assert status == 0, err
    folder = tmp_path / "bayesreg-demo-houses"
    assert out.rstrip().splitlines()[-1] == f"Report written to {folder.resolve()}"
    assert out.startswith("data: houses.csv (n=40, p=3, standardized columns)\n")
    assert "sigma: 0.5 (given; fixed in every model)" in out
    assert "Lasso(alpha=0.05)" in out and "Ridge(alpha=2.0)" in out
    assert not STEP_LINE.search(err) and "[1/7]" not in err  # --quiet: no steps
    for name in FIGURES:
        assert (folder / name).read_bytes().startswith(PNG_SIGNATURE)
    html = (folder / REPORT_NAME).read_text(encoding="utf-8")
    assert "noise_col" in html and html.count("data:image/png;base64,") == len(FIGURES)


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
        "bayesreg.compare",
        "bayesreg.estimators",
        "bayesreg.paths",
        "bayesreg.posterior_path",
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


def test_out_is_a_file(no_models, capsys):
    (no_models / "taken").write_text("not a folder")
    message = _usage_error(["demo", "--out", "taken"], capsys)
    assert message.startswith("error: --out") and "not a folder" in message


def test_csv_problems(no_models, capsys):
    pd.DataFrame({"a": [1.0, np.nan, 3.0], "t": ["x", "y", "z"], "u": [1.0, 2.0, 3.0]}).to_csv("d.csv", index=False)
    assert "--target" in _usage_error(["demo", "--data", "d.csv"], capsys)
    assert "'t' is not a numeric column" in _usage_error(["demo", "--data", "d.csv", "--target", "t"], capsys)
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

    monkeypatch.setattr(bayesreg.demo, "run_demo", fake_run_demo)
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
    alpha_max = np.max(np.abs((X - X.mean()).to_numpy().T @ (y - y.mean()))) / 50
    zeros = {"Lasso": SimpleNamespace(map_coef=np.zeros(3))}
    (note,) = bayesreg.demo._notes(zeros, X, y, 5.0)
    assert note.startswith("Lasso(alpha=5) sets every coefficient to 0") and f"{alpha_max:.3g}" in note
    assert "--alpha" in note
    assert bayesreg.demo._notes({"Lasso": SimpleNamespace(map_coef=np.array([0.0, 0.1, 0.0]))}, X, y, 5.0) == []
