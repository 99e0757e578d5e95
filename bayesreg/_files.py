"""Folders written all or nothing: a complete new folder renamed into the place of the old one."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from bayesreg._warnings import warn

__all__ = ["replace_folder"]


def replace_folder(staging: Path, target: Path) -> None:
    """Rename the complete folder ``staging`` to ``target``.

    An existing ``target`` is renamed away first, the new folder renamed in, and the old one
    removed last; if the second rename fails the old folder is put back. At every moment
    ``target`` is either the old folder or the new one, never a mix. A leftover old folder that
    cannot be removed is reported with a warning.
    """
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.old")
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
    if os.path.lexists(old):
        warn(f"{target} was written, but the previous version, renamed to {old}, could not be removed", UserWarning)
