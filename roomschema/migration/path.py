"""Room's choice of migrations between two versions: ``findMigrationPath``.

Room keeps its migrations as ``{start version: {end version: Migration}}`` (``MigrationContainer``)
and, from the installed version, walks greedily: on an upgrade it tries the end versions of
the migrations starting there from the highest down and takes the first that does not pass the
target; on a downgrade, from the lowest up, the first that does not pass below the target.
It never backtracks, so a shorter jump that would have led to the target is not tried, and a
step that finds nothing means no path at all (``null``), and the app crashes or falls back
to a destructive migration. (``room-runtime``, ``androidx/room/util/MigrationUtil.kt``:
``findMigrationPath`` and ``findUpMigrationPath``.)
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Optional, TypeVar

M = TypeVar("M")


def _walk(migrations: Mapping[int, Mapping[int, M]], start: int, end: int) -> tuple[list[M], int]:
    """The migrations Room takes from ``start`` towards ``end``, and the version where it stops."""
    taken: list[M] = []
    current, upgrade = start, end > start
    while current < end if upgrade else current > end:
        targets = migrations.get(current)
        if not targets:
            break
        for target in sorted(targets, reverse=upgrade):
            if current < target <= end if upgrade else end <= target < current:
                taken.append(targets[target])
                current = target
                break
        else:
            break
    return taken, current


def find_migration_path(migrations: Mapping[int, Mapping[int, M]], start: int, end: int) -> Optional[list[M]]:
    """The migrations Room runs from ``start`` to ``end``, in order; None when it finds no path."""
    taken, reached = _walk(migrations, start, end)
    return taken if reached == end else None


def versions_visited(pairs: Iterable[tuple[int, int]], start: int, end: int) -> list[int]:
    """The versions Room's walk passes through from ``start`` over migrations ``(from, to)``.

    It ends at ``end`` when Room finds a path; otherwise at the version where it got stuck,
    which is what a message about the missing migration names.
    """
    container: dict[int, dict[int, int]] = {}
    for a, b in pairs:
        container.setdefault(a, {})[b] = b
    taken, _ = _walk(container, start, end)
    return [start, *taken]
