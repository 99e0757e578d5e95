"""A bounded pool of compiled objects keyed on what they were compiled for.

Compiling the smooth part of a model (:class:`~bayesreg.optimize.map.SmoothObjective`) costs about 0.2 s, solving a
small problem with it a few milliseconds. A compiled function depends on the *structure* of the model only (the
likelihood and which of its parameters are fixed, the intercept, sample weights, offset, the shape and dtype of
``X``); the data are shared variables whose values can be swapped. So one compiled function serves every fit of
one structure: a refit, a cross-validation fold, a second call of ``map_path``.

A compiled function holds its data in its shared variables, so two users must never share one at the same time:
an object is *taken* out of the pool (or built when none of its key is free) and *given back* when its user is
done (for the MAP solver: when the solver is garbage collected). The pool keeps at most ``per_key`` free objects
for each of the ``max_keys`` keys used last; an object given back beyond that is dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

__all__ = ["CompiledPool"]


class CompiledPool:
    """Free compiled objects by key, least recently used keys dropped first; thread-safe.

    Parameters
    ----------
    max_keys : int
        How many keys keep free objects (the least recently used key is dropped beyond that).
    per_key : int
        How many free objects one key keeps (those in use are not counted).
    release : callable, optional
        Called with an object as it enters the pool (e.g. to drop the data it holds).
    """

    def __init__(self, max_keys: int = 16, per_key: int = 4, release: Callable[[object], None] | None = None):
        if max_keys < 1 or per_key < 1:
            raise ValueError(f"max_keys and per_key must be >= 1, got {max_keys!r} and {per_key!r}")
        self.max_keys = int(max_keys)
        self.per_key = int(per_key)
        self._release = release
        self._free: OrderedDict[Hashable, list] = OrderedDict()
        self._lock = threading.Lock()
        #: objects given back and not yet filed: ``give_back`` only appends here (atomic, no lock), so a garbage
        #: collection that runs a solver's finalizer while this thread holds the lock cannot deadlock
        self._returned: deque = deque()
        #: counts of takes that found a free object (hits), and of those that did not (misses)
        self.hits = 0
        self.misses = 0

    def take(self, key: Hashable):
        """A free object of ``key``, now owned by the caller, or None (then the caller builds one)."""
        with self._lock:
            self._file_returned()
            free = self._free.get(key)
            if free:
                self._free.move_to_end(key)
                self.hits += 1
                return free.pop()
            self.misses += 1
            return None

    def give_back(self, key: Hashable, obj) -> None:
        """Return ``obj`` (taken or built for ``key``) to the pool; the caller must not use it any more.

        Safe from a finalizer run by the garbage collector at any point, even inside this pool's own methods: it
        takes no lock, and the object is filed by the next method that does."""
        self._returned.append((key, obj))

    def _file_returned(self) -> None:
        """File the objects given back (the caller holds the lock)."""
        while True:
            try:
                key, obj = self._returned.popleft()
            except IndexError:
                return
            if self._release is not None:
                self._release(obj)
            free = self._free.get(key)
            if free is None:
                free = self._free[key] = []
                while len(self._free) > self.max_keys:
                    self._free.popitem(last=False)
            else:
                self._free.move_to_end(key)
            if len(free) < self.per_key:
                free.append(obj)

    def n_free(self, key: Hashable | None = None) -> int:
        """Free objects of ``key``, or of all keys."""
        with self._lock:
            self._file_returned()
            if key is not None:
                return len(self._free.get(key, ()))
            return sum(len(free) for free in self._free.values())

    def keys(self) -> list:
        """The keys holding free objects, least recently used first."""
        with self._lock:
            self._file_returned()
            return list(self._free)

    def clear(self) -> None:
        """Drop every free object (objects in use are given back later as usual)."""
        with self._lock:
            self._returned.clear()
            self._free.clear()
