"""Write tests/reference/nuts_agreement.json: PyMC's NUTS on every model of the Gibbs agreement tests.

Run ``.venv/bin/python tests/inference/make_nuts_reference.py [label ...]`` after a change to the models those tests
build (their variables, data or priors); about 6 minutes on 2 cores for all cases. Each case runs PyMC's NUTS, 4 x
2000 draws after 1000, seed 3, at its target_accept (0.95, 0.99 for the horseshoes and at p > n), and stores the
median, sd and their Monte Carlo standard errors of every scalar (``test_gibbs_sampler._summary``), with its
divergences and max r_hat, which the tests check against each case's allowance. Named labels are re-run and the
others kept.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import arviz
import pymc

sys.path.insert(0, str(Path(__file__).resolve().parent))

import test_gibbs_sampler as cases  # noqa: E402


def main(labels: list[str]) -> None:
    path = cases.NUTS_REFERENCE
    stored = json.loads(path.read_text())["cases"] if path.exists() else {}
    for label in labels or cases.LABELS:
        stored[label] = cases.nuts_summary(label)
        print(label, "divergences", stored[label]["divergences"], "max r_hat", round(stored[label]["max_rhat"], 4))
    meta = {
        "written": datetime.date.today().isoformat(),
        "pymc": pymc.__version__,
        "arviz": arviz.__version__,
        "draws": cases.AGREEMENT_DRAWS,
        **{key: value for key, value in cases.AGREEMENT_RUN.items() if key != "progressbar"},
    }
    path.write_text(json.dumps({"meta": meta, "cases": dict(sorted(stored.items()))}, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main(sys.argv[1:])
