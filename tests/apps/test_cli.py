"""The ``bayesreg`` command, run in-process (and once as ``python -m bayesreg``).

Each successful ``compare`` fits three PyMC models (about a second), so there are only three.
"""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Lasso

import bayesreg as br
from bayesreg.apps.cli import COMPARE_DEFAULTS, DEFAULT_ALPHA, build_parser, main
from bayesreg.apps.report import TITLE
from bayesreg.data.datasets import PROSTATE_FEATURES

REPO = Path(__file__).resolve().parents[1]
COMPARE_MODULE = importlib.import_module("bayesreg.analysis.compare")  # bayesreg.analysis.compare is also the function
LARGEST = re.compile(r"^largest coefficient difference relative to the largest coefficient: (\S+)$", re.MULTILINE)


def _summary_lines(out):
    """The first line of each comparison, '<Estimator>(params)  <->  prior ...'."""
    return [line for line in out.splitlines() if "  <->  prior " in line]


def _row_count(out, feature):
    """How many table rows are labelled ``feature``."""
    return sum(1 for line in out.splitlines() if line.split()[:1] == [feature])


def _largest_difference(out):
    matches = LARGEST.findall(out)
    assert len(matches) == 1, out
    assert out.rstrip().splitlines()[-1].startswith("largest coefficient difference")
    return float(matches[0])


def _table_value(out, estimator, feature, column):
    """A number from the table that follows the summary line of ``estimator``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(estimator + "("))
    header_idx = next(i for i in range(start, len(lines)) if lines[i].split()[:1] == ["feature"])
    header = re.split(r"\s{2,}", lines[header_idx].strip())
    for line in lines[header_idx + 2 :]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] == feature:
            return float(cells[header.index(column)])
    raise AssertionError(f"{feature} not in the {estimator} table")


def _error_message(argv, capsys):
    """Run a command that must fail; return its message (SystemExit text or stderr with status 2)."""
    try:
        status = main(argv)
    except SystemExit as exc:
        assert exc.code not in (0, None)
        captured = capsys.readouterr()
        message = exc.code if isinstance(exc.code, str) else captured.err
    else:
        assert status == 2
        captured = capsys.readouterr()
        message = captured.err
    assert "<->" not in captured.out  # failed before any fit was printed
    return message


# --------------------------------------------------------------------------------------------
# compare (the three expensive tests)
# --------------------------------------------------------------------------------------------


def test_compare_default_diabetes(capsys):
    assert main(["compare"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data: diabetes  (n=442, p=10, standardized columns)")
    assert "(residual sd of least squares)" in out
    summaries = _summary_lines(out)
    assert [s.split("(")[0] for s in summaries] == ["Ridge", "Lasso", "ElasticNet"]
    assert summaries[0].startswith("Ridge(alpha=10.0)")
    assert summaries[1].startswith("Lasso(alpha=1.0)")
    assert summaries[2].startswith("ElasticNet(alpha=1.0, l1_ratio=0.5)")
    headers = [line.split() for line in out.splitlines() if line.split()[:1] == ["feature"]]
    assert headers == [
        ["feature", "Ridge", "closed", "form", "MAP", "difference"],
        ["feature", "Lasso", "MAP", "difference"],
        ["feature", "ElasticNet", "MAP", "difference"],
    ]
    for feature in ["age", "bmi", "s6", "(intercept)"]:
        assert _row_count(out, feature) == 3
    assert out.count("support agrees: True") == 3
    assert 0 <= _largest_difference(out) <= 1e-6
    # the MAP column is the MAP, the Lasso column is a true Lasso (with zeros on diabetes)
    assert _table_value(out, "Lasso", "age", "Lasso") == 0.0 == _table_value(out, "Lasso", "age", "MAP")
    assert _table_value(out, "Lasso", "bmi", "MAP") == pytest.approx(
        _table_value(out, "Lasso", "bmi", "Lasso"), rel=1e-8, abs=0
    )


def test_compare_prostate(capsys):
    assert main(["compare", "--data", "prostate", "--sigma", "0.7", "--alpha", "0.02", "--ridge-alpha", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data: prostate  (n=97, p=8, standardized columns)")
    assert "sigma = 0.7 (given)" in out
    assert [s.split("(")[0] for s in _summary_lines(out)] == ["Ridge", "Lasso", "ElasticNet"]
    for feature in PROSTATE_FEATURES:
        assert _row_count(out, feature) == 3
    tau = float(re.search(r"<->  prior Normal\(scale=(\S+)\) at sigma=0.7$", _summary_lines(out)[0]).group(1))
    assert tau == pytest.approx(0.7 / np.sqrt(3.0), rel=5e-6, abs=0)  # tau = sigma / sqrt(alpha), printed to 6 digits
    assert 0 <= _largest_difference(out) <= 1e-6


def test_compare_binomial_on_breast_cancer(capsys):
    assert main(["compare", "--family", "binomial"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data: breast_cancer  (n=569, p=30, standardized columns)")
    assert "likelihood: binomial (dispersion 1: no sigma)" in out
    summaries = _summary_lines(out)
    assert [s.split("<->")[0].strip() for s in summaries] == [
        "LogisticRegression(C=0.1, l1_ratio=0.0)",
        "LogisticRegression(C=0.1, l1_ratio=1.0)",
        "LogisticRegression(C=0.1, l1_ratio=0.5)",
    ]
    assert [s.split("prior ")[1].split("(")[0] for s in summaries] == ["Normal", "Laplace", "ElasticNet"]
    assert out.count("support agrees: True") == 3
    assert _row_count(out, "mean_radius") == 3
    lasso_table = out.split(summaries[1])[1].split("\n\n")[0]  # the L1 fit's rows
    zeros = [line.split()[0] for line in lasso_table.splitlines() if line.split()[1:3] == ["0", "0"]]
    assert len(zeros) >= 10  # the lasso's zeros, exact in both
    assert 0 <= _largest_difference(out) <= 1e-6


def test_compare_poisson_on_the_synthetic_counts(capsys):
    assert main(["compare", "--family", "poisson", "--alpha", "0.05", "--no-standardize"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data: counts  (n=200, p=8)")
    assert [s.split("<->")[0].strip() for s in _summary_lines(out)] == ["PoissonRegressor(alpha=0.05)"]
    assert 0 <= _largest_difference(out) <= 1e-8


@pytest.mark.parametrize(
    "args, match",
    [
        (
            ["--family", "poisson", "--sigma", "2"],
            r"--sigma is not used with --family poisson \(the poisson likelihood has no noise scale\), which takes",
        ),
        (["--family", "binomial", "--alpha", "0.1"], "--alpha is not used with --family binomial, which takes --C"),
        (["--family", "binomial", "--ridge-alpha", "3"], "--ridge-alpha is not used with --family binomial"),
        (["--C", "2"], "--C is not used with --family gaussian, which takes --alpha, --l1-ratio, --ridge-alpha"),
        (["--family", "poisson", "--l1-ratio", "0.3"], "--l1-ratio is not used with --family poisson"),
        (["--family", "binomial", "--data", "diabetes"], "needs a target with 2 classes, got 214"),
        (["--family", "binomial", "--C", "0"], "--C must be > 0"),
        (["--family", "poisson", "--data", "prostate"], r"non-negative values, got -0\.43"),
    ],
)
def test_family_mismatches_are_usage_errors(args, match, capsys):
    message = _error_message(["compare", *args], capsys)
    assert re.search(match, message), message


def test_compare_csv(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3)) * [1.0, 5.0, 0.2]
    frame = pd.DataFrame(X, columns=["rooms", "area", "noise_col"])
    frame["price"] = 3.0 + X @ [1.0, 0.4, 0.0] + rng.normal(0, 0.5, 30)
    path = tmp_path / "houses.csv"
    frame.to_csv(path, index=False)
    argv = [
        "compare",
        "--data",
        str(path),
        "--target",
        "price",
        "--alpha",
        "0.1",
        "--l1-ratio",
        "0.3",
        "--ridge-alpha",
        "2.5",
        "--sigma",
        "0.5",
        "--no-standardize",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"data: {path}  (n=30, p=3)\n")
    summaries = _summary_lines(out)
    assert summaries[0].startswith("Ridge(alpha=2.5)")
    assert summaries[1].startswith("Lasso(alpha=0.1)")
    assert summaries[2].startswith("ElasticNet(alpha=0.1, l1_ratio=0.3)")
    assert _row_count(out, "price") == 0 and _row_count(out, "rooms") == 3
    assert 0 <= _largest_difference(out) <= 1e-6
    # the prior and the coefficients are those of the unstandardized columns
    prior = br.from_sklearn(Lasso(alpha=0.1), sigma=0.5, n_samples=30)
    assert f"prior {prior!r} at sigma=0.5" in summaries[1]
    sk = Lasso(alpha=0.1, tol=1e-12, max_iter=10**6).fit(frame[["rooms", "area", "noise_col"]], frame["price"])
    for name, value in zip(["rooms", "area", "noise_col"], sk.coef_, strict=True):
        assert _table_value(out, "Lasso", name, "MAP") == pytest.approx(value, rel=1e-8, abs=1e-9)


# --------------------------------------------------------------------------------------------
# errors (all before any model is built)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "data.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "city": ["x", "y", "x", "z"], "t": [1.0, 0.0, 2.0, 1.5]}).to_csv(
        path, index=False
    )
    return path


def test_csv_without_target(csv_path, capsys):
    message = _error_message(["compare", "--data", str(csv_path)], capsys)
    assert "--target" in message and "required" in message


def test_csv_unknown_target(csv_path, capsys):
    message = _error_message(["compare", "--data", str(csv_path), "--target", "price"], capsys)
    assert "'price'" in message and "not a column" in message and "a, city, t" in message


def test_csv_non_numeric_column(csv_path, capsys):
    message = _error_message(["compare", "--data", str(csv_path), "--target", "t"], capsys)
    assert "non-numeric" in message and "city" in message


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    message = _error_message(["compare", "--data", str(missing), "--target", "y"], capsys)
    assert "no such file" in message and "nope.csv" in message


def test_target_with_bundled_data(capsys):
    message = _error_message(["compare", "--data", "prostate", "--target", "lpsa"], capsys)
    assert "--target" in message and "CSV" in message


@pytest.mark.parametrize(
    "args, name",
    [
        (["--alpha", "-1"], "--alpha"),
        (["--alpha", "nan"], "--alpha"),
        (["--ridge-alpha", "0"], "--ridge-alpha"),
        (["--l1-ratio", "1.5"], "--l1-ratio"),
        (["--sigma", "0"], "--sigma"),
        (["--sigma", "inf"], "--sigma"),
    ],
)
def test_bad_strengths_fail_before_any_fit(args, name, capsys):
    message = _error_message(["compare", *args], capsys)
    assert message.startswith("error: ") and name in message


def test_argparse_errors(capsys):
    message = _error_message(["compare", "--alpha", "big"], capsys)
    assert "--alpha" in message and "invalid float value" in message
    message = _error_message(["fit"], capsys)
    assert "invalid choice" in message and "compare" in message and "demo" in message


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "compare" in out and "demo" in out


def test_compare_needs_sigma_when_n_is_at_most_p_plus_1(tmp_path, monkeypatch, capsys):
    """Least squares leaves no residual: the message asks for --sigma (no bogus estimate, no fit)."""

    def fail(*args, **kwargs):
        raise AssertionError("a model was fitted")

    monkeypatch.setattr(COMPARE_MODULE, "compare", fail)
    rng = np.random.default_rng(1)
    for n, p in [(5, 6), (4, 3)]:  # p > n, and n = p + 1 (an exact fit, 0 degrees of freedom)
        frame = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"c{j}" for j in range(p)])
        frame["y"] = rng.normal(size=n)
        frame.to_csv(tmp_path / "wide.csv", index=False)
        message = _error_message(["compare", "--data", str(tmp_path / "wide.csv"), "--target", "y"], capsys)
        assert message.startswith("error: sigma") and "(--sigma)" in message, message
        assert f"n_samples={n} <= n_features + 1 = {p + 1}" in message


def test_compare_failure_after_the_checks_propagates(monkeypatch):
    """A ValueError from the fitting itself is not a usage error: it is raised, not turned into status 2."""

    def broken(*args, **kwargs):
        raise ValueError("deep inside compare")

    monkeypatch.setattr(COMPARE_MODULE, "compare", broken)
    with pytest.raises(ValueError, match="deep inside compare"):
        main(["compare", "--sigma", "1"])


def test_data_errors_exit_with_status_2(tmp_path, capsys):
    """A bad --data / --target is a usage error like argparse's: status 2, message on stderr."""
    assert main(["compare", "--data", str(tmp_path / "nope.csv"), "--target", "y"]) == 2
    assert capsys.readouterr().err.startswith("error: --data: no such file")
    assert main(["demo", "--data", "diabetes", "--target", "y"]) == 2
    assert capsys.readouterr().err.startswith("error: --target is only for a CSV file")


# --------------------------------------------------------------------------------------------
# help, version, python -m
# --------------------------------------------------------------------------------------------


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "usage: bayesreg" in out and "compare" in out and "--data prostate" in out
    assert "bayesreg demo" in out


def test_compare_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ["--family", "--data", "--target", "--alpha", "--ridge-alpha", "--C", "--l1-ratio", "--sigma"]:
        assert option in out


def test_demo_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: bayesreg demo")
    for option in [
        "--data",
        "--target",
        "--out",
        "--draws",
        "--tune",
        "--chains",
        "--seed",
        "--alpha",
        "--ridge-alpha",
        "--l1-ratio",
        "--sigma",
        "--quiet",
    ]:
        assert option in out
    assert "report.html" in out and "bayesreg-demo-<data>" in out


def test_demo_parser_defaults():
    args = build_parser().parse_args(["demo"])
    assert (args.data, args.target, args.out, args.sigma, args.quiet) == ("diabetes", None, None, None, False)
    assert (args.draws, args.tune, args.chains, args.seed) == (1000, 1000, 4, 0)
    assert (args.alpha, args.ridge_alpha, args.l1_ratio) == ("cv", "cv", 0.5)  # strengths by cross-validation
    compare_args = build_parser().parse_args(["compare"])
    # compare's strengths default by family (fixed numbers: compare lines one fit up against its prior, the demo
    # cross-validates); unset, an option of another family is refused
    assert (compare_args.alpha, compare_args.ridge_alpha, compare_args.l1_ratio, compare_args.C) == (None,) * 4
    assert DEFAULT_ALPHA["gaussian"] == 1.0 and compare_args.family == "gaussian"
    assert (COMPARE_DEFAULTS["ridge_alpha"], COMPARE_DEFAULTS["l1_ratio"]) == (10.0, args.l1_ratio)
    args = build_parser().parse_args(["demo", "--data", "x.csv", "--target", "y", "--out", "o", "--quiet"])
    assert (args.data, args.target, args.out, args.quiet) == ("x.csv", "y", "o", True)


def test_demo_argparse_errors(capsys):
    message = _error_message(["demo", "--chains", "two"], capsys)
    assert "--chains" in message and "invalid int value" in message
    message = _error_message(["demo", "--bogus"], capsys)
    assert "unrecognized arguments: --bogus" in message


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"bayesreg {br.__version__}"


def test_python_dash_m_help():
    proc = subprocess.run(
        [sys.executable, "-m", "bayesreg", "--help"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: bayesreg")
    assert "compare" in proc.stdout


# --------------------------------------------------------------------------------------------
# CSV problems: the file and the column named, status 2, nothing fitted
# --------------------------------------------------------------------------------------------

CSV_PROBLEMS = [
    pytest.param("", r"data\.csv is empty: no header line and no data rows$", id="empty"),
    pytest.param("a,b,y\n", r"data\.csv has a header \(a, b, y\) but no data rows$", id="header-only"),
    pytest.param("a,b,y\n1,2,3\n", r"data\.csv has 1 data row; at least 2 are needed$", id="one-row"),
    pytest.param(
        "a,b,y\n1,2,inf\n2,3,4\n3,1,5\n",
        r"data\.csv: infinite values in the target column 'y' \(1 of 3 data rows, first: data row 1\)$",
        id="y-inf",
    ),
    pytest.param(
        "a,b,y\n1,inf,3\n2,-inf,4\n3,1,5\n",
        r"data\.csv: infinite values in column 'b' \(2 of 3 data rows, first: data row 1\)$",
        id="x-inf",
    ),
    pytest.param(
        "a,b,y\n1,2,3\n2,3,\n3,1,5\n",
        r"data\.csv: missing values \(empty or NaN cells\) in the target column 'y' \(1 of 3 data rows, "
        r"first: data row 2\)$",
        id="y-nan",
    ),
    pytest.param(
        "a,b,y\n1,NaN,3\n2,3,4\n,1,5\n",
        r"data\.csv: missing values \(empty or NaN cells\) in column 'a' \(1 of 3 data rows, first: data row 3\); "
        r"column 'b' \(1 of 3 data rows, first: data row 1\)$",
        id="x-nan",
    ),
    pytest.param(
        "a,b,y\n1,2,3\n2,3,high\n3,1,5\n",
        r"data\.csv: the target column 'y' is not numeric: text in 1 of 3 data rows, first: data row 2 \('high'\)$",
        id="y-text",
    ),
    pytest.param(
        "a,city,y\n1,x,3\n2,y,4\n3,x,5\n",
        r"data\.csv: non-numeric column 'city': text in 3 of 3 data rows, first: data row 1 \('x'\)\. "
        r"Encode categories",
        id="x-text",
    ),
    pytest.param(
        "a,b,y\n1,2,7\n2,3,7\n3,1,7\n",
        r"data\.csv: the target column 'y' is constant \(7 in all 3 data rows\): nothing to fit$",
        id="constant-y",
    ),
    pytest.param(
        "a,a,y\n1,2,3\n2,3,4\n", r"data\.csv: duplicate column names in the header: 'a'$", id="duplicate-names"
    ),
    pytest.param("y\n1\n2\n", r"data\.csv: no feature columns besides the target 'y'$", id="no-features"),
]


@pytest.mark.parametrize("command", ["compare", "demo"])
@pytest.mark.parametrize("text, match", CSV_PROBLEMS)
def test_csv_problem_names_the_file_and_the_column(command, text, match, tmp_path, monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise AssertionError("a model was built")

    for module in [
        "bayesreg.model",
        "bayesreg.analysis.compare",
        "bayesreg.estimators.base",
        "bayesreg.optimize.map",
    ]:
        monkeypatch.setattr(importlib.import_module(module), "build_model", fail)
    path = tmp_path / "data.csv"
    path.write_text(text)
    monkeypatch.chdir(tmp_path)
    status = main([command, "--data", str(path), "--target", "y"])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err.startswith(f"error: {path}")
    assert re.search(match, captured.err.rstrip("\n")), captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]  # no output folder


def test_a_good_csv_is_read_as_numbers(tmp_path):
    from bayesreg.apps.cli import _load

    (tmp_path / "d.csv").write_text("a,flag,y\n1,true,0.5\n2,false,1.5\n4,true,-1\n")
    X, y, label = _load(str(tmp_path / "d.csv"), "y")
    assert label == str(tmp_path / "d.csv") and list(X.columns) == ["a", "flag"]
    assert X.to_numpy().tolist() == [[1.0, 1.0], [2.0, 0.0], [4.0, 1.0]] and y.tolist() == [0.5, 1.5, -1.0]


# --------------------------------------------------------------------------------------------
# Ctrl-C: one line on stderr, status 130, no traceback
# --------------------------------------------------------------------------------------------


def test_ctrl_c_in_compare(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(COMPARE_MODULE, "compare", interrupted)
    assert main(["compare", "--sigma", "1"]) == 130
    captured = capsys.readouterr()
    assert captured.err == "bayesreg: interrupted\n"
    assert captured.out.startswith("data: diabetes")  # what ran before is not taken back


def test_ctrl_c_while_loading(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib.import_module("bayesreg.data.datasets"), "load_named", interrupted)
    assert main(["demo"]) == 130
    assert capsys.readouterr().err == "bayesreg: interrupted\n"


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds PyMC's chain processes through /proc")
def test_sigint_stops_a_running_demo(tmp_path):
    """The real thing: SIGINT to the process group (as Ctrl-C in a terminal) while NUTS samples.

    Exit status 130, "bayesreg: interrupted" as the last line, no traceback (PyMC's chain
    processes get the signal too), the previous run's folder untouched and no staging folder left.
    """
    import os
    import signal
    import threading
    import time

    out = tmp_path / "out"
    out.mkdir()
    report = f"<!DOCTYPE html><html><head><title>{TITLE}</title></head>old run</html>"
    (out / "report.html").write_text(report)
    argv = [sys.executable, "-m", "bayesreg", "demo", "--draws", "50000", "--tune", "100", "--chains", "2"]
    proc = subprocess.Popen(
        [*argv, "--sigma", "50", "--out", str(out)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # the child gets Python's Ctrl-C handler even if this process was started with SIGINT ignored (a shell's
        # background job): Python keeps an ignored SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(iter(lambda: proc.stderr.read(1), "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240
        # the NUTS step has started and PyMC has forked its chain processes: they are sampling
        while "[3/9]" not in "".join(err) or not _children(proc.pid):
            assert proc.poll() is None, "".join(err)
            assert time.monotonic() < deadline, "".join(err)
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None, "".join(err)
        os.killpg(proc.pid, signal.SIGINT)
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    reader.join(10)
    stderr = "".join(err)
    assert status == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.endswith("[3/9] NUTS: Gaussian prior (Ridge's twin) ...\nbayesreg: interrupted\n"), stderr
    assert proc.stdout.read() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["report.html"] and (out / "report.html").read_text() == report


def test_the_command_starts_without_loading_pymc():
    """bayesreg's names load on first use: the command handles Ctrl-C from its first second, not after PyMC's import."""
    import subprocess
    import sys

    code = "import sys, bayesreg, bayesreg.apps.cli; assert 'pymc' not in sys.modules; print(bayesreg.Laplace(1.0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "Laplace(scale=1.0)"


def test_every_public_name_resolves():
    import bayesreg

    for name in bayesreg.__all__:
        assert getattr(bayesreg, name) is not None
    assert set(bayesreg.__all__) <= set(dir(bayesreg))
    with pytest.raises(AttributeError, match="no attribute 'Lassso'"):
        bayesreg.Lassso  # noqa: B018


@pytest.mark.parametrize("command", ["compare", "demo"])
@pytest.mark.parametrize(
    "args, named",
    [
        (["--alpha", "1e-320"], "Lasso(alpha="),
        (["--ridge-alpha", "1e-310"], "Ridge(alpha=1e-310)"),
        (["--sigma", "1e-200"], "at sigma=1e-200"),
        (["--sigma", "1e200"], "at sigma=1e+200"),
    ],
)
def test_strengths_float64_cannot_hold_are_usage_errors(command, args, named, tmp_path, monkeypatch, capsys):
    """Found by review: these printed a traceback (exit 1) after the first fits; now one line, exit 2."""
    import bayesreg.estimators.regression as estimators

    def forbidden(*a, **k):
        raise AssertionError("a model was compiled before the strengths were checked")

    monkeypatch.setattr(estimators, "MapSolver", forbidden)
    extra = ["--out", str(tmp_path / "out")] if command == "demo" else []
    assert main([command, *args, *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and named in err and "\n" not in err
    assert not (tmp_path / "out").exists()
