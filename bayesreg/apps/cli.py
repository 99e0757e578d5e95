"""The ``bayesreg`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the commands, not at start-up (Ctrl-C from the first moment)
    import pandas as pd


DESCRIPTION = """\
bayesreg: regression penalties as priors.

A ridge penalty is a Gaussian prior, a lasso penalty a Laplace prior, the elastic net their
product. 'bayesreg compare' fits scikit-learn's Ridge, Lasso and ElasticNet (or, with --family
binomial or poisson, LogisticRegression or PoissonRegressor) and the exact MAP estimate of the
equivalent prior in PyMC, and prints them side by side with the largest difference and the
MAP's optimality certificate. 'bayesreg demo' adds the full posterior of
each prior (NUTS), its diagnostics, figures and a self-contained HTML report.
"""

EPILOG = """\
examples:
  bayesreg demo                                 # the tour: fits, posteriors, figures, report.html
  bayesreg compare                              # bundled diabetes data, standardized
  bayesreg compare --data prostate --sigma 0.7
  bayesreg compare --data my.csv --target price --alpha 0.5 --l1-ratio 0.3
  bayesreg compare --family binomial            # breast cancer: LogisticRegression L2, L1, elastic net
  bayesreg compare --family poisson             # synthetic counts: PoissonRegressor

the demo notebooks: bash scripts/run.sh notebooks (JupyterLab, from a checkout of the project), or their rendered
copies in docs/notebooks/
"""

DEMO_DESCRIPTION = """\
Choose the strengths of Ridge, Lasso and ElasticNet by 5-fold cross-validation of their exact MAP
paths (unless --alpha / --ridge-alpha give them), fit them with scikit-learn, the exact MAP of the
equivalent prior and its full posterior (NUTS) at a fixed sigma, on standardized columns. Prints the
strengths chosen, the comparison tables (penalized fit vs MAP, differences and certificates), the
posterior of each prior (mean, median, 90% interval, mass near zero) and the sampling diagnostics;
then a classification section on
scikit-learn's breast cancer data (LogisticRegression L2 and L1 vs the exact MAP, the Laplace
prior's posterior, predicted probabilities with intervals; --no-classification leaves it out).
Writes the figures (PNG) and a self-contained report.html into the output folder and ends with
the folder's path.

The folder is written whole or not at all: the files go to a hidden folder beside it, renamed
into place at the end. A previous run's folder is replaced only then (other files in it are
kept); a non-empty folder that is not a previous run's is refused. Ctrl-C stops the run (exit
status 130) and leaves no trace.
"""

DEMO_EPILOG = """\
examples:
  bayesreg demo                                 # bundled diabetes data -> ./bayesreg-demo-diabetes/
  bayesreg demo --data prostate --alpha 0.02 --ridge-alpha 3 --out prostate-report   # fixed strengths
  bayesreg demo --data my.csv --target price --draws 500 --quiet
"""


class UsageError(ValueError):
    """A bad option or input file: ``main`` prints ``error: <message>`` and returns 2, as argparse does."""


@contextmanager
def _validating() -> Iterator[None]:
    """The checks before any work starts: their ValueError / TypeError become a :class:`UsageError`.

    Errors raised later (fitting, sampling, plotting) are not usage errors and propagate with
    their traceback.
    """
    try:
        yield
    except UsageError:
        raise
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from exc


def _load(data: str, target: str | None) -> tuple[pd.DataFrame, pd.Series, str]:
    """The bundled data set ``data`` or the CSV file ``data`` with y in column ``target``.

    Every problem with the file (empty, only a header, text / missing / infinite cells, a
    constant y, too few rows, ...) is a ValueError naming the file and the column
    (:func:`bayesreg.data.datasets.load_csv`), raised before anything is fitted.
    """
    from bayesreg.data.datasets import NAMED, load_csv, load_named

    if data in NAMED:
        if target is not None:
            raise UsageError("--target is only for a CSV file given with --data")
        X, y = load_named(data)
        return X, y, data
    path = Path(data)
    if not path.is_file():
        raise UsageError(f"--data: no such file {data!r} (or use one of {', '.join(NAMED)})")
    if target is None:
        raise UsageError("--target is required with a CSV file")
    X, y = load_csv(path, target)
    return X, y, str(path)


#: the data set ``compare`` uses for each family when --data is not given
DEFAULT_DATA = {"gaussian": "diabetes", "binomial": "breast_cancer", "poisson": "counts"}
#: --alpha's default per family: Lasso / ElasticNet's alpha, PoissonRegressor's alpha
DEFAULT_ALPHA = {"gaussian": 1.0, "poisson": 0.01}
#: the other strengths' defaults (each used by the families of _FAMILY_OPTIONS)
COMPARE_DEFAULTS = {"ridge_alpha": 10.0, "C": 0.1, "l1_ratio": 0.5}


def _compare(args) -> int:
    from bayesreg._validation import check_l1_ratio, check_positive
    from bayesreg.analysis.compare import compare
    from bayesreg.apps.demo import max_relative_difference, standardize_columns

    family = args.family
    with _validating():  # every strength before any data is read or any model compiled
        _refuse_unused_options(args)
        alpha = DEFAULT_ALPHA.get(family) if args.alpha is None else check_positive(args.alpha, "--alpha")
        for name, check in (("ridge_alpha", check_positive), ("C", check_positive), ("l1_ratio", check_l1_ratio)):
            value = getattr(args, name)
            value = COMPARE_DEFAULTS[name] if value is None else value
            setattr(args, name, check(value, _flag(name)))
        if args.sigma is not None:
            check_positive(args.sigma, "--sigma")
        X, y, label = _load(args.data or DEFAULT_DATA[family], args.target)
        if args.standardize:
            X = standardize_columns(X)
        estimators, sigma, sigma_note = _compare_estimators(family, X, y, args, alpha)
    n, p = X.shape
    print(f"data: {label}  (n={n}, p={p}{', standardized columns' if args.standardize else ''})")
    if family == "gaussian":
        print(f"sigma = {sigma:.6g} ({sigma_note})\n")
    else:
        print(f"likelihood: {family} (dispersion 1: no sigma)\n")
    results = []
    for est in estimators:
        results.append(compare(X, y, est, sigma=sigma))
        print(results[-1])
        print()
    worst = max_relative_difference(results)
    print(f"largest coefficient difference relative to the largest coefficient: {worst:.2e}")
    return 0


#: which ``compare`` options each family uses (the others are refused rather than ignored)
_FAMILY_OPTIONS = {
    "gaussian": {"alpha", "ridge_alpha", "l1_ratio", "sigma"},
    "binomial": {"C", "l1_ratio"},
    "poisson": {"alpha"},
}


def _refuse_unused_options(args) -> None:
    """A strength given for another family than ``--family`` would be ignored: refuse it, naming what the family
    uses."""
    used = _FAMILY_OPTIONS[args.family]
    for name in sorted(set().union(*_FAMILY_OPTIONS.values()) - used):
        if getattr(args, name) is not None:
            takes = ", ".join(_flag(option) for option in sorted(used))
            why = f" (the {args.family} likelihood has no noise scale)" if name == "sigma" else ""
            raise UsageError(f"{_flag(name)} is not used with --family {args.family}{why}, which takes {takes}")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _compare_estimators(family: str, X, y, args, alpha):
    """The scikit-learn fits ``compare`` lines up for ``family``, and sigma (None but for the Gaussian); every
    check of the data against the family is made here, before anything is fitted."""
    import numpy as np
    from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, PoissonRegressor, Ridge

    from bayesreg.apps.demo import check_penalties, residual_sd
    from bayesreg.likelihoods import Poisson

    if family == "gaussian":
        if args.sigma is None:
            sigma, sigma_note = residual_sd(X, y), "residual sd of least squares"
        else:
            sigma, sigma_note = args.sigma, "given"
        estimators = [
            Ridge(alpha=args.ridge_alpha),
            Lasso(alpha=alpha),
            ElasticNet(alpha=alpha, l1_ratio=args.l1_ratio),
        ]
        check_penalties(X, y, sigma, estimators)
        return estimators, sigma, sigma_note
    if family == "binomial":
        classes = np.unique(np.asarray(y))
        if classes.size != 2:
            raise UsageError(f"--family binomial needs a target with 2 classes, got {classes.size}")
        return (
            [
                LogisticRegression(C=args.C, solver="newton-cholesky"),
                LogisticRegression(C=args.C, l1_ratio=1.0, solver="saga"),
                LogisticRegression(C=args.C, l1_ratio=args.l1_ratio, solver="saga"),
            ],
            None,
            None,
        )
    Poisson().check_y(np.asarray(y, dtype=float))
    return [PoissonRegressor(alpha=alpha, solver="newton-cholesky")], None, None


def _demo(args) -> int:
    import bayesreg.apps.demo as demo

    with _validating():  # every option before any data is read, then the data, before any model is compiled
        settings = demo.check_settings(
            alpha=args.alpha,
            ridge_alpha=args.ridge_alpha,
            l1_ratio=args.l1_ratio,
            sigma=args.sigma,
            draws=args.draws,
            tune=args.tune,
            chains=args.chains,
            seed=args.seed,
            cli=True,
        )
        out = demo.check_out(args.out, "--out") if args.out is not None else None
        X, y, label = _load(args.data, args.target)
        out = out if out is not None else demo.check_out(demo.default_out(label), "--out")
        # run_demo's own checks (cheap), here as usage errors
        frame, target, sigma, _ = demo.prepare_data(X, y, sigma=settings["sigma"])
        demo.check_penalties(frame, target, sigma, demo.strengths_to_check(frame, target, settings))
    progressbar = sys.stdout.isatty() and not args.quiet
    printer = None if args.quiet else _step_printer(sys.stderr, own_lines=progressbar)
    try:
        result = demo.run_demo(
            X,
            y,
            out=out,
            data_label=label,
            progressbar=progressbar,
            progress=printer,
            classification=args.classification,
            **settings,
        )
    except KeyboardInterrupt:
        if printer is not None:
            printer.end_line()  # "[3/7] NUTS: ... " stays open while the step runs
        raise
    print(result.text())
    print(f"\nReport written to {result.out}")
    return 0


class _StepPrinter:
    """Print each demo step as "[3/7] NUTS: Laplace prior ... 12.3 s" on ``stream``.

    Without a progress bar the line is started when the step starts and finished with its time;
    with one (``own_lines``) the start and the end get lines of their own around the bar.
    """

    def __init__(self, stream, *, own_lines: bool) -> None:
        self.stream = stream
        self.own_lines = own_lines
        self.line_open = False

    def __call__(self, step) -> None:
        if not step.done:
            self.stream.write(f"{step}\n" if self.own_lines else str(step))
            self.line_open = not self.own_lines
        else:
            self.stream.write(f"{step}\n" if self.own_lines else f" {step.seconds:.1f} s\n")
            self.line_open = False
        self.stream.flush()

    def end_line(self) -> None:
        """End a step's line left open by an interrupt, so the next message starts a line of its own."""
        if self.line_open:
            self.stream.write("\n")
            self.stream.flush()
            self.line_open = False


def _step_printer(stream, *, own_lines: bool) -> _StepPrinter:
    return _StepPrinter(stream, own_lines=own_lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayesreg", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    from bayesreg._version import __version__

    parser.add_argument("--version", action="version", version=f"bayesreg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cmp = sub.add_parser(
        "compare",
        help="penalized fits vs the MAP of their prior twins",
        description="Fit scikit-learn's penalized estimators and the exact MAP of the equivalent prior in PyMC; "
        "print the coefficient tables, differences and certificates. --family gaussian (default): Ridge, Lasso "
        "and ElasticNet at a fixed sigma; binomial: LogisticRegression with an L2, an L1 and an elastic-net "
        "penalty; poisson: PoissonRegressor (L2).",
    )
    cmp.add_argument(
        "--family",
        choices=("gaussian", "binomial", "poisson"),
        default="gaussian",
        help="the likelihood (default gaussian)",
    )
    cmp.add_argument(
        "--data",
        help="'diabetes', 'prostate', 'breast_cancer' (scikit-learn's), 'counts' (synthetic) or a CSV file "
        "(default: diabetes, breast_cancer or counts, by --family)",
    )
    cmp.add_argument("--target", help="target column of the CSV file")
    cmp.add_argument(
        "--alpha", type=float, help="Lasso / ElasticNet alpha (default 1.0); PoissonRegressor alpha (default 0.01)"
    )
    cmp.add_argument("--ridge-alpha", type=float, help="Ridge alpha, --family gaussian (default 10.0)")
    cmp.add_argument("--C", type=float, help="LogisticRegression C, --family binomial (default 0.1)")
    cmp.add_argument(
        "--l1-ratio", type=float, help="elastic-net l1_ratio, --family gaussian and binomial (default 0.5)"
    )
    cmp.add_argument("--sigma", type=float, help="noise scale, gaussian (default: residual sd of least squares)")
    cmp.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="use the columns as they are (default: centred, unit population sd)",
    )
    cmp.set_defaults(func=_compare)

    from bayesreg.apps.demo import DEFAULTS

    demo = sub.add_parser(
        "demo",
        help="the tour: penalized fits, exact MAP, NUTS posteriors, figures and an HTML report",
        description=DEMO_DESCRIPTION,
        epilog=DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--data", default="diabetes", help="'diabetes' (default), 'prostate' or a CSV file")
    demo.add_argument("--target", help="target column of the CSV file")
    demo.add_argument(
        "--out",
        metavar="DIR",
        help="output folder: new, empty or a previous run's, replaced at the end (default: ./bayesreg-demo-<data>)",
    )
    demo.add_argument(
        "--draws", type=int, default=DEFAULTS["draws"], help=f"NUTS draws per chain (default {DEFAULTS['draws']})"
    )
    demo.add_argument(
        "--tune", type=int, default=DEFAULTS["tune"], help=f"NUTS tuning steps per chain (default {DEFAULTS['tune']})"
    )
    demo.add_argument(
        "--chains",
        type=int,
        default=DEFAULTS["chains"],
        help=f"NUTS chains, at least 2 for r_hat (default {DEFAULTS['chains']})",
    )
    demo.add_argument("--seed", type=int, default=DEFAULTS["seed"], help=f"random seed (default {DEFAULTS['seed']})")
    demo.add_argument(
        "--alpha",
        default=DEFAULTS["alpha"],
        help="Lasso / ElasticNet alpha, or 'cv': each chosen by 5-fold cross-validation of its exact MAP path "
        f"(default {DEFAULTS['alpha']})",
    )
    demo.add_argument(
        "--ridge-alpha",
        default=DEFAULTS["ridge_alpha"],
        help=f"Ridge alpha, or 'cv' (default {DEFAULTS['ridge_alpha']})",
    )
    demo.add_argument(
        "--l1-ratio",
        type=float,
        default=DEFAULTS["l1_ratio"],
        help=f"ElasticNet l1_ratio in (0, 1] (default {DEFAULTS['l1_ratio']})",
    )
    demo.add_argument("--sigma", type=float, help="noise scale (default: residual sd of least squares)")
    demo.add_argument(
        "--no-classification",
        dest="classification",
        action="store_false",
        help="leave out the classification section (logistic regression on breast cancer)",
    )
    demo.add_argument("--quiet", action="store_true", help="no step timings and no progress bar")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit status.

    0 on success; 2 for a usage error (bad option or input file: ``error: <message>`` on stderr,
    before any model is built), as argparse does; 130 on Ctrl-C (``bayesreg: interrupted`` on
    stderr, no traceback; ``demo`` leaves no partial output folder). Other errors propagate.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bayesreg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
