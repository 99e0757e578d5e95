"""The demo's HTML report: one self-contained file (figures as base64 data URIs, inline CSS, no scripts)."""

from __future__ import annotations

import base64
import html
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from bayesreg.apps.demo_result import DemoResult

__all__ = ["TITLE", "embed_png", "is_report", "render_report", "write_report"]

#: The report's ``<title>``: how :func:`is_report` (and so ``bayesreg demo --out``) recognizes a
#: report.html this module wrote.
TITLE = "bayesreg demo: penalties are priors"

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 70em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
code, pre { font-family: Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
.ok { color: #176317; } .problem { color: #a01c1c; }
"""

_INTRO = (
    "A ridge penalty is a Gaussian prior on the coefficients, a lasso penalty a Laplace prior, the elastic net "
    "their product. With the noise scale sigma fixed, the exact MAP estimate of each prior is the penalized fit "
    "(section 1, to round-off, exact zeros included). The full posterior of the same prior (section 2, NUTS) is "
    "not sparse: the posterior mean and median of a Laplace prior are never exactly zero."
)


def is_report(path) -> bool:
    """Whether ``path`` is a file whose first kilobytes hold the ``<title>`` of :func:`render_report`."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return f"<title>{TITLE}</title>".encode() in head


def embed_png(path: Path) -> str:
    """``data:image/png;base64,...`` of a PNG file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _number(value: float) -> str:
    return f"{value:.6g}"


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(float_format=_number, border=0, na_rep="")


def _pairs(mapping: dict) -> str:
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in mapping.items())
    return f"<table>{rows}</table>"


def render_report(result: DemoResult) -> str:
    """The HTML text of the report for a finished :func:`bayesreg.apps.demo.run_demo`."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>bayesreg demo: regression penalties are priors</h1>",
        f"<p>{e(_INTRO)}</p>",
        "<h2>Settings</h2>",
        _pairs(result.settings),
        *(f'<p class="problem">Note: {e(note)}</p>' for note in result.notes),
        *_strength_parts(result),
        "<h2>1. Penalized fits vs the exact MAP of their prior twins</h2>",
        "<p>Each scikit-learn fit next to the exact MAP of the equivalent prior at the same sigma; "
        "<em>difference</em> is MAP minus the penalized fit. The certificate is the MAP's largest violation "
        "of the optimality conditions, relative to the smallest penalty that zeroes every coefficient.</p>",
    ]
    for name, comparison in result.comparisons.items():
        summary = comparison.summary().splitlines()
        parts.append(f"<h3>{e(name)}</h3>")
        parts.append("<pre>" + e("\n".join(summary)) + "</pre>")
        parts.append(_table(result.comparison_tables[name]))
    parts.append(
        f"<p>Largest coefficient difference relative to the largest coefficient: "
        f"<strong>{result.max_relative_difference:.2e}</strong>.</p>"
    )
    parts += [
        "<h2>2. The posterior of each prior</h2>",
        "<p>Per coefficient: the penalized fit, the MAP, the posterior mean and median, the central 90% "
        "credible interval (<em>lower</em>, <em>upper</em>), the posterior sd, and the posterior and prior "
        "mass near zero (|beta| &le; eps, eps a tenth of the prior's sd).</p>",
    ]
    for name, posterior in result.posteriors.items():
        head = str(posterior).splitlines()[0]
        parts.append(f"<h3>{e(name)}'s twin</h3><p>{e(head)}</p>")
        parts.append(_table(result.posterior_tables[name]))
    parts += [
        "<h2>3. Sampling diagnostics</h2>",
        "<p>Divergent transitions after tuning, the largest rank-normalized split r_hat (want &le; 1.01) and "
        "the smallest bulk and tail effective sample sizes (want at least 100 per chain), per NUTS fit.</p>",
        _table(result.diagnostics),
    ]
    if result.problems:
        items = "".join(f"<li>{e(problem)}</li>" for problem in result.problems)
        parts.append(f'<p class="problem">Problems reported by the sampler:</p><ul class="problem">{items}</ul>')
    else:
        parts.append(f'<p class="ok">All fits passed: {e(result.checks_passed)}.</p>')
    section = 4
    if result.classification is not None:
        parts += _classification_parts(result.classification)
        section += 1
    parts.append(f"<h2>{section}. Figures</h2>")
    for name, path in result.figures.items():
        parts.append(
            f'<figure id="{e(name)}"><img src="{embed_png(path)}" alt="{e(name)}">'
            f"<figcaption><code>{e(name)}</code>: {e(result.captions.get(name, ''))}</figcaption></figure>"
        )
    timings = {k: f"{v:.1f} s" for k, v in result.timings.items()}
    parts += [
        f"<h2>{section + 1}. Run</h2>",
        _pairs({**timings, "written": datetime.now().isoformat(timespec="seconds")}),
        "<h3>Versions</h3>",
        _pairs(result.versions),
        "<p>Reproduce with <code>bayesreg demo</code> and the settings above.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _strength_parts(result: DemoResult) -> list[str]:
    if result.strengths is None:
        return []
    return [
        "<h2>0. Penalty strengths</h2>",
        "<p>Each penalty's exact MAP path cross-validated (5 folds, BayesianRegressionCV): the strength of smallest "
        "held-out error (lambda.min) and the largest within one standard error of it (lambda.1se); "
        "<code>strength.png</code> draws the curves.</p>",
        _table(result.strengths),
    ]


def _classification_parts(section) -> list[str]:
    """The report's classification section: both comparisons, the predicted probabilities, the coefficients."""
    from bayesreg.apps.demo_result import comparison_frame

    e = html.escape
    row = section.coefficients.loc[section.feature]
    parts = [
        "<h2>4. Classification: sparse logistic regression as a Laplace prior</h2>",
        f"<p>{e(section.text().splitlines()[0])}. scikit-learn's LogisticRegression with an L2 and an L1 penalty, "
        "each next to the exact MAP of its prior twin (Normal and Laplace); then the Laplace prior's posterior "
        "(NUTS).</p>",
    ]
    for name, comparison in section.comparisons.items():
        parts.append(f"<h3>{e(name)} penalty</h3>")
        parts.append("<pre>" + e(comparison.summary()) + "</pre>")
        parts.append(_table(comparison_frame(comparison)))
    parts += [
        "<h3>Predicted probability of benign</h3>",
        "<p>At the MAP (the L1 fit's plug-in probability) and under the posterior: its mean and central 90% "
        "interval.</p>",
        _table(section.probabilities),
        "<h3>Coefficients</h3>",
        f"<p>The L1 fit (MAP) next to the posterior; <em>p_near_zero</em> is the posterior mass in |beta| &le; "
        f"{section.eps:.3g}. {e(section.feature)} is exactly 0 at the MAP, yet its posterior mean is "
        f"{row['mean']:.3g}, 90% interval [{row['lower']:.3g}, {row['upper']:.3g}].</p>",
        _table(section.coefficients),
    ]
    return parts


def write_report(result: DemoResult, path) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8); return the path."""
    path = Path(path)
    path.write_text(render_report(result), encoding="utf-8")
    return path
