"""The sufficient statistics of a weighted linear model's data: one pass over the rows, mergeable, exact in float64.

For rows ``(x_i, y_i)`` with weights ``w_i >= 0`` they are

.. math::

    W = \\sum_i w_i, \\quad m = \\frac{1}{W}\\sum_i w_i x_i, \\quad a = \\frac{1}{W}\\sum_i w_i y_i, \\quad
    C_{xx} = \\sum_i w_i (x_i - m)(x_i - m)^\\top, \\quad c_{xy} = \\sum_i w_i (x_i - m)(y_i - a), \\quad
    c_{yy} = \\sum_i w_i (y_i - a)^2,

everything a Gaussian linear model's likelihood depends on: with the intercept integrated out or profiled, the
centred products; without an intercept, the products about 0, ``X'WX = C_xx + W m m'`` (:meth:`SufficientStats.about`).

Two sets of statistics merge exactly (Chan, Golub & LeVeque 1979): with ``d_x = m_b - m_a``, ``d_y = a_b - a_a``,
``W = W_a + W_b``, ``m = m_a + (W_b / W) d_x`` and ``C_xx = C_xx,a + C_xx,b + (W_a W_b / W) d_x d_x'`` (likewise
``c_xy``, ``c_yy``). Each block of rows is centred on its own means before its products (two passes over the block,
in memory), so no digit is lost to the means, as ``X'X - W m m'`` would lose them for columns far from 0: blocks
of any source (numpy arrays here; the chunks of a larger-than-memory array) are reduced by merging.

**Summary rows.** A Gaussian likelihood depends on the data only through these statistics, so ``K = p + 2`` rows
of equal weight ``W / K`` that have the same statistics (:meth:`SufficientStats.summary_rows`) give the same
likelihood, ``sum_k (W/K) log N(y*_k | b0 + x*_k beta, sigma) = sum_i w_i log N(y_i | b0 + x_i beta, sigma)`` for
every ``(b0, beta, sigma)``: every Gaussian computation of bayesreg (the exact MAP and its paths, the evidence, the
Gibbs kernels, NUTS) runs on them unchanged, in ``O(p^2)`` memory whatever ``n`` is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg.data._dask import check_same_rows, is_dask, one_blas_thread, require_dask, row_blocks
from bayesreg.data.design import gram

__all__ = ["BLOCK_BYTES", "SufficientStats", "SummaryRows", "rows_per_block", "summarize"]

#: bytes of a block of rows in :meth:`SufficientStats.from_arrays`, beside X (not a centred copy of it: 40 MB at
#: n = 100,000, p = 50): blocks that stay in the processor's cache. Measured at p = 100 (200,000 rows, 2 cores):
#: 4096-row blocks (3.3 MB) 0.08 s, 8192 (6.6 MB) 0.20-0.31 s, 1024 0.11 s
BLOCK_BYTES = 4_000_000
#: rows per block, when set (tests); by default the largest power of two whose rows fit in BLOCK_BYTES (at least 256)
ROWS_PER_BLOCK: int | None = None


def rows_per_block(p: int) -> int:
    """Rows per block for ``p`` columns (:data:`BLOCK_BYTES`, :data:`ROWS_PER_BLOCK`)."""
    if ROWS_PER_BLOCK is not None:
        return ROWS_PER_BLOCK
    return max(256, 1 << int(np.log2(max(BLOCK_BYTES / (8.0 * max(p, 1)), 1.0))))


@dataclass(frozen=True, eq=False)
class SummaryRows:
    """``K = p + 2`` weighted rows with given sufficient statistics (:meth:`SufficientStats.summary_rows`)."""

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray
    #: the statistics they stand for (``n_rows`` rows of the data, of total weight ``sum_w``)
    statistics: SufficientStats


@dataclass(frozen=True, eq=False)
class SufficientStats:
    """``W``, ``m``, ``a``, ``C_xx``, ``c_xy``, ``c_yy`` (module docstring) and the number of rows of positive weight.

    The means are held as a shift (a row of the data, ``x_shift``, ``y_shift``) plus the mean of the rows less it
    (``x_offset``, ``y_offset``): a row minus a nearby row is exact in float64 (Sterbenz), so the means' differences
    that merging adds to the products keep every digit even when a column's mean is 1e9 times its spread (the
    rounding of 1e6 alone, 1e-10, is 1e-7 of a spread of 1e-3). Statistics merge only under the same shift: give
    every block of a data set the one :meth:`from_arrays` chose for the first (``shift=``). Build them with
    :meth:`from_arrays` (or :meth:`empty` and :meth:`merge`); read the products a model needs with :meth:`about`.
    """

    sum_w: float
    n_rows: int
    x_shift: np.ndarray
    y_shift: float
    x_offset: np.ndarray
    y_offset: float
    XtX: np.ndarray
    Xty: np.ndarray
    yty: float

    @property
    def x_mean(self) -> np.ndarray:
        """``m``, the weighted column means (the shift where there are no rows)."""
        return self.x_shift + self.x_offset

    @property
    def y_mean(self) -> float:
        """``a``, the weighted mean of ``y``."""
        return self.y_shift + self.y_offset

    @classmethod
    def empty(cls, shift: tuple[np.ndarray, float]) -> SufficientStats:
        """The statistics of no rows under ``shift = (x_shift, y_shift)``: the identity of :meth:`merge`."""
        x_shift = np.asarray(shift[0], dtype=float)
        p = x_shift.shape[0]
        return cls(0.0, 0, x_shift, float(shift[1]), np.zeros(p), 0.0, np.zeros((p, p)), np.zeros(p), 0.0)

    @staticmethod
    def shift_of(X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """The first row of positive weight: the shift :meth:`from_arrays` takes (zeros when there is none)."""
        rows = np.arange(X.shape[0]) if sample_weight is None else np.flatnonzero(np.asarray(sample_weight) > 0)
        if rows.size == 0:
            return np.zeros(X.shape[1]), 0.0
        return np.array(X[rows[0]], dtype=float), float(y[rows[0]])

    @classmethod
    def from_arrays(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        *,
        shift: tuple[np.ndarray, float] | None = None,
    ) -> SufficientStats:
        """The statistics of the rows of ``X`` (n, p) and ``y`` (n,) with ``sample_weight`` (n,, non-negative; None:
        ones), block by block of :func:`rows_per_block` rows, each merged into the total. ``shift``: the
        ``(x_shift, y_shift)`` of statistics these will be merged with (default: :meth:`shift_of` these rows)."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        n = X.shape[0]
        shift = cls.shift_of(X, y, sample_weight) if shift is None else shift
        total = cls.empty(shift)
        rows = rows_per_block(X.shape[1])
        for start in range(0, n, rows):
            block = slice(start, min(start + rows, n))
            weight = None if sample_weight is None else np.asarray(sample_weight[block], dtype=float)
            total = total.merge(cls._of_block(X[block], y[block], weight, total))
        return total

    @classmethod
    def from_data(cls, X, y, sample_weight=None) -> SufficientStats:
        """The statistics of numpy arrays, pandas objects or Dask collections (arrays, DataFrames, Series: one pass
        over their chunks, each reduced where it lives, :meth:`from_dask`)."""
        if any(is_dask(value) for value in (X, y, sample_weight)):
            return cls.from_dask(X, y, sample_weight)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        return cls.from_arrays(np.asarray(X, dtype=float), np.asarray(y, dtype=float), weight)

    @classmethod
    def from_dask(cls, X, y, sample_weight=None) -> SufficientStats:
        """The statistics of Dask collections (a numpy or pandas argument beside them is cut like their rows),
        without bringing ``X`` into memory: each chunk of rows is reduced to its statistics where it lives
        (:meth:`from_arrays`, under the shift of the first row of the first non-empty of the first two chunks), and
        the statistics are merged in a tree; one ``compute`` (the scheduler in use: threads, or a
        ``dask.distributed`` cluster's workers), one pass over the data (a DataFrame's partitions are lined up as
        they are, :func:`~bayesreg.data._dask.row_blocks`). Negative or non-finite weights are refused when their
        chunk is reduced (ValueError)."""
        dask, _ = require_dask("SufficientStats.from_dask")
        x_blocks, (y_blocks, w_blocks) = row_blocks(X, y, sample_weight)
        w_blocks = w_blocks or [None] * len(x_blocks)
        shift = dask.delayed(_first_row)(x_blocks[:2], y_blocks[:2])
        reduce = one_blas_thread(cls._of_chunk)
        parts = [
            dask.delayed(reduce)(xb, yb, wb, shift) for xb, yb, wb in zip(x_blocks, y_blocks, w_blocks, strict=True)
        ]
        while len(parts) > 1:  # a binary tree of merges
            merged = [dask.delayed(cls.merge)(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
            parts = merged + parts[2 * len(merged) :]
        (total,) = dask.compute(parts[0])
        return total

    @classmethod
    def _of_chunk(cls, X, y, weight, shift) -> SufficientStats:
        """:meth:`from_arrays` of one chunk of Dask rows, its arguments checked as the in-memory ones are."""
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        check_same_rows(X, y, weight)
        if weight is not None:
            weight = np.asarray(weight, dtype=float)
            bad = ~(np.isfinite(weight) & (weight >= 0))
            if np.any(bad):
                raise ValueError(
                    f"sample_weight must be finite and non-negative, got {float(weight[np.argmax(bad)])!r} in a chunk "
                    "of the Dask data"
                )
        return cls.from_arrays(X, y, weight, shift=shift)

    @classmethod
    def _of_block(cls, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None, like: SufficientStats):
        """One block's statistics under ``like``'s shift, centred on the block's own means (two passes over it)."""
        if weight is not None:
            keep = weight > 0
            if not np.all(keep):
                X, y, weight = X[keep], y[keep], weight[keep]
        n_rows = X.shape[0]
        if n_rows == 0:
            return cls.empty((like.x_shift, like.y_shift))
        Xs, ys = X - like.x_shift, y - like.y_shift
        sum_w = float(n_rows) if weight is None else float(np.sum(weight))
        x_offset = Xs.mean(axis=0) if weight is None else (weight @ Xs) / sum_w
        y_offset = float(ys.mean()) if weight is None else float(weight @ ys) / sum_w
        Xs -= x_offset
        ys -= y_offset
        if weight is not None:
            root = np.sqrt(weight)
            Xs *= root[:, None]
            ys *= root
        return cls(sum_w, n_rows, like.x_shift, like.y_shift, x_offset, y_offset, gram(Xs), Xs.T @ ys, float(ys @ ys))

    def merge(self, other: SufficientStats) -> SufficientStats:
        """The statistics of both sets of rows (Chan, Golub & LeVeque's pairwise update); both under one shift."""
        if not (np.array_equal(self.x_shift, other.x_shift) and self.y_shift == other.y_shift):
            raise ValueError(
                "statistics under different shifts cannot be merged exactly: build every block's with the shift "
                "of the first (SufficientStats.from_arrays(..., shift=(first.x_shift, first.y_shift)))"
            )
        if other.sum_w == 0.0:
            return self
        if self.sum_w == 0.0:
            return other
        sum_w = self.sum_w + other.sum_w
        share = other.sum_w / sum_w
        dx, dy = other.x_offset - self.x_offset, other.y_offset - self.y_offset
        factor = self.sum_w * share  # W_a W_b / W
        return SufficientStats(
            sum_w=sum_w,
            n_rows=self.n_rows + other.n_rows,
            x_shift=self.x_shift,
            y_shift=self.y_shift,
            x_offset=self.x_offset + share * dx,
            y_offset=self.y_offset + share * dy,
            XtX=self.XtX + other.XtX + factor * np.outer(dx, dx),
            Xty=self.Xty + other.Xty + factor * dx * dy,
            yty=self.yty + other.yty + factor * dy * dy,
        )

    def about(self, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, float]:
        """``(X'WX, X'Wy, y'Wy)`` of the data centred on their means when an intercept is fitted (``C_xx``,
        ``c_xy``, ``c_yy``), else about 0 (``C_xx + W m m'``, ``c_xy + W m a``, ``c_yy + W a^2``)."""
        if fit_intercept:
            return self.XtX, self.Xty, self.yty
        m, a, w = self.x_mean, self.y_mean, self.sum_w
        return self.XtX + w * np.outer(m, m), self.Xty + w * a * m, self.yty + w * a * a

    @property
    def x_sd(self) -> np.ndarray:
        """The columns' weighted population sds, ``sqrt(diag(C_xx) / W)``."""
        return np.sqrt(np.clip(np.diag(self.XtX), 0.0, None) / self.sum_w)

    def with_columns(self, center: np.ndarray, scale: np.ndarray) -> SufficientStats:
        """The statistics of the rows with columns ``(x - center) / scale`` (a standardization), exactly as a pass
        over those rows would give them up to rounding."""
        return SufficientStats(
            sum_w=self.sum_w,
            n_rows=self.n_rows,
            x_shift=(self.x_shift - center) / scale,
            y_shift=self.y_shift,
            x_offset=self.x_offset / scale,
            y_offset=self.y_offset,
            XtX=self.XtX / np.outer(scale, scale),
            Xty=self.Xty / scale,
            yty=self.yty,
        )

    def summary_rows(self, *, centred: bool = False) -> SummaryRows:
        """``K = p + 2`` rows ``(x*_k, y*_k)`` of weight ``W / K`` each with these statistics: the same weighted
        means ``m``, ``a`` and centred products ``C_xx``, ``c_xy``, ``c_yy`` (so the same products about 0), hence the
        same Gaussian likelihood (module docstring). ``centred=True``: the rows less their means (means exactly 0;
        the same centred products), for a model with an intercept, which the means only shift.

        With ``S`` the centred products of ``(x, y)`` (``(p+1) x (p+1)``) scaled to unit diagonal, ``S~ = D^-1 S
        D^-1``, ``R = Lambda^{1/2} V' D`` from the eigendecomposition of ``S~`` (so a singular ``S`` is fine, and each
        column keeps its own relative precision whatever the columns' scales), ``R'R = S``; with ``H`` a
        ``K x (p+1)`` matrix of orthonormal columns orthogonal to the ones, the rows are ``(m, a) + sqrt(K / W) H R``:
        their deviations sum to 0 and their products are ``(K / W) R'H'HR (W / K) = S``. A column (or ``y``) of no
        spread (``S_jj = 0``) is exactly constant. Refuses statistics of fewer than 2 rows (ValueError)."""
        if self.n_rows < 2:
            raise ValueError(f"summary rows need statistics of at least 2 rows, got {self.n_rows}")
        p = self.Xty.shape[0]
        k = p + 2
        scatter = np.empty((p + 1, p + 1))
        scatter[:p, :p], scatter[:p, p], scatter[p, :p], scatter[p, p] = self.XtX, self.Xty, self.Xty, self.yty
        spread = np.sqrt(np.clip(np.diag(scatter), 0.0, None))
        varying = spread > 0
        scale = spread[varying]
        values, vectors = np.linalg.eigh(scatter[np.ix_(varying, varying)] / np.outer(scale, scale))
        root = (np.sqrt(np.clip(values, 0.0, None))[:, None] * vectors.T) * scale  # R, with R'R = S
        basis, _ = np.linalg.qr(np.column_stack([np.ones(k), np.eye(k)[:, : p + 1]]))
        deviations = np.zeros((k, p + 1))
        deviations[:, varying] = np.sqrt(k / self.sum_w) * (basis[:, 1 : 1 + root.shape[0]] @ root)
        if centred:
            X, y = deviations[:, :p], deviations[:, p]
        else:
            X = self.x_shift + (self.x_offset + deviations[:, :p])
            y = self.y_shift + (self.y_offset + deviations[:, p])
        return SummaryRows(X, y, np.full(k, self.sum_w / k), self)


def _first_row(x_blocks, y_blocks) -> tuple[np.ndarray, float]:
    """The first row of the first non-empty of these chunks: the shift of a pass over Dask rows (zeros if none)."""
    for xb, yb in zip(x_blocks, y_blocks, strict=True):
        if len(xb):
            return np.array(xb[0], dtype=float), float(yb[0])
    return np.zeros(np.shape(x_blocks[0])[1]), 0.0


def summarize(X, y, sample_weight=None, *, centred: bool = False) -> SummaryRows:
    """The summary rows of the data's statistics (:meth:`SufficientStats.from_data`, one pass over Dask chunks where
    they live, then :meth:`SufficientStats.summary_rows`): how a Gaussian fit takes data larger than memory.

    Refuses (ValueError) data whose sums are not finite (NaN or infinity somewhere in them) and data of at most
    ``p + 2`` rows of positive weight (they fit in memory, and a fit on them has checks of its own). ``centred``: the
    rows less their means (:meth:`SufficientStats.summary_rows`).
    """
    statistics = SufficientStats.from_data(X, y, sample_weight)
    p = statistics.Xty.shape[0]
    parts = (statistics.XtX, statistics.Xty, statistics.yty, statistics.x_mean, statistics.y_mean)
    if not all(np.all(np.isfinite(part)) for part in parts):
        raise ValueError("X, y: the data contain NaN or infinity (their sums are not finite)")
    if statistics.n_rows <= p + 2:
        raise ValueError(
            f"X: {statistics.n_rows} rows (of positive weight) for {p} features: data this small fit in memory; pass "
            "them as numpy arrays (X.compute(), y.compute())"
        )
    return statistics.summary_rows(centred=centred)
