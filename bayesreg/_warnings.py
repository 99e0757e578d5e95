"""The one way bayesreg warns: every warning points at the user's line, not at bayesreg's internals.

A fixed ``stacklevel`` is right for one call path only: the same check reached through
``BayesianRegression.fit``, :func:`bayesreg.bayesian_path` or a plot sits at a different depth
each time, and a wrong depth makes the warning name a line inside bayesreg, where the user can
neither read the cause nor filter it by module. :func:`warn` instead skips every frame whose
file lies in the bayesreg package (``warnings.warn(..., skip_file_prefixes=...)``, Python >=
3.12), so the warning is attributed to the first frame outside it: the user's script, notebook
cell or test, or a library such as scikit-learn that called bayesreg for them.

Use :func:`warn` for every warning bayesreg raises (``SamplingWarning``, scikit-learn's
``ConvergenceWarning``, ``UserWarning``), never ``warnings.warn`` with a ``stacklevel``.
"""

from __future__ import annotations

import os
import warnings

__all__ = ["PACKAGE_PREFIXES", "warn"]

_package_dir = os.path.dirname(__file__)
#: Path prefixes of bayesreg's own files (as imported, and resolved, in case they differ).
PACKAGE_PREFIXES: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            os.path.join(_package_dir, ""),
            os.path.join(os.path.abspath(_package_dir), ""),
            os.path.join(os.path.realpath(_package_dir), ""),
        )
    )
)


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue ``message`` as a ``category`` warning attributed to the first caller outside bayesreg.

    Parameters
    ----------
    message : str
        One or more sentences: what happened and what to try.
    category : type of Warning, default=UserWarning
        The warning class, e.g. :class:`bayesreg.inference.sampling.SamplingWarning` or
        ``sklearn.exceptions.ConvergenceWarning``.

    Notes
    -----
    The warning's ``filename`` and ``lineno`` are those of the first stack frame whose file is
    not inside the bayesreg package, so ``warnings.filterwarnings(..., module=...)`` and the
    "once per location" default filter act on the user's code.
    """
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise TypeError(f"category must be a Warning subclass, got {category!r}")
    warnings.warn(message, category, stacklevel=2, skip_file_prefixes=PACKAGE_PREFIXES)
