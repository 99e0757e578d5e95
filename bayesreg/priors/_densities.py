"""Log densities and log normalizers of the penalty priors ``exp(-l1 |b| - l2 b^2) / Z``, as numbers and as PyTensor
expressions: the one copy that :mod:`~bayesreg.priors.penalty` (the priors), :mod:`~bayesreg.priors.base` (per
coefficient penalty factors) and :mod:`~bayesreg.priors.shrinkage` (the Bayesian elastic net) use."""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from scipy import special

from bayesreg.conversions import PenaltyWeights

__all__ = ["weights_log_normalizer", "weights_logp"]

#: above this z = l1 / (2 sqrt(l2)), log erfcx(z) = -log(z sqrt(pi)) to double precision
#: (the next term is -1/(2 z^2)); it also avoids erfcx(inf) = 0 when z overflows
_Z_ASYMPTOTIC = 1e100


def _enet_z(l1: float, l2: float) -> float:
    """``z = l1 / (2 sqrt(l2))`` (may be inf for extreme ratios; callers handle that)."""
    with np.errstate(all="ignore"):
        return float(np.float64(l1) / (2.0 * np.sqrt(l2)))


def _enet_log_normalizer(l1: float, l2: float) -> float:
    """``log Z``, ``Z = sqrt(pi / l2) erfcx(z)``, evaluated without overflow for all normal l1, l2."""
    z = _enet_z(l1, l2)
    if z <= _Z_ASYMPTOTIC:
        return float(0.5 * (np.log(np.pi) - np.log(l2)) + np.log(special.erfcx(z)))
    # erfcx(z) = 1 / (z sqrt(pi)) (1 - 1/(2 z^2) + ...) and z sqrt(l2) = l1 / 2: log Z = log(2 / l1)
    return float(np.log(2.0) - np.log(l1))


def _enet_logp(value, l1, l2):
    z = l1 / (2.0 * pt.sqrt(l2))
    big = z > pt.constant(_Z_ASYMPTOTIC, dtype="float64")  # 1e100 does not fit in float32
    # log erfcx(z) = -log(z sqrt(pi)) beyond 1e100, written without z (which may overflow)
    log_erfcx = pt.switch(
        big,
        np.log(2.0) - pt.log(l1) + 0.5 * pt.log(l2) - 0.5 * np.log(np.pi),
        pt.log(pt.erfcx(pt.switch(big, 1.0, z))),
    )
    log_z = 0.5 * (np.log(np.pi) - pt.log(l2)) + log_erfcx
    return -l1 * pt.abs(value) - l2 * pt.square(value) - log_z


def weights_log_normalizer(l1: float, l2: float) -> float:
    """``log Z(l1, l2)``, ``Z = integral of exp(-l1 |b| - l2 b^2) db``: ``log(2 / l1)`` (Laplace), ``log sqrt(pi / l2)``
    (Normal), :func:`_enet_log_normalizer` for both."""
    if l2 == 0:
        return float(np.log(2.0) - np.log(l1))
    if l1 == 0:
        return float(0.5 * (np.log(np.pi) - np.log(l2)))
    return _enet_log_normalizer(l1, l2)


def weights_logp(value, l1, l2, kind: PenaltyWeights):
    """``-l1 |b| - l2 b^2 - log Z(l1, l2)`` elementwise (PyTensor), for the form of ``kind``'s weights (Laplace: no
    ``l2``, Normal: no ``l1``, elastic net: both)."""
    # PyTensor makes a Python float that float32 holds exactly (1.5) a float32 constant, and would then take its log
    # in float32 (1e-8 off): float64 throughout (lossless, as those values are exact)
    l1, l2 = pt.cast(l1, "float64"), pt.cast(l2, "float64")
    if kind.l2 == 0:
        return -l1 * pt.abs(value) + pt.log(0.5 * l1)
    if kind.l1 == 0:
        return -l2 * pt.square(value) - 0.5 * pt.log(np.pi / l2)
    return _enet_logp(value, l1, l2)
