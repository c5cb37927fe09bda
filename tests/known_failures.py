"""Every test known to fail today, in one place, each with the issue that will fix it.

conftest.py marks each one ``xfail(strict=True)``: it still runs, a failure is
reported as expected, and a listed test that passes fails the run, so the change
that fixes it must also delete its row here. Nothing is skipped and no assertion
is loosened. Keys are pytest node ids; ``*`` in a key matches any text.
"""
from __future__ import annotations

import re

import pytest

KNOWN_FAILURES: dict[str, tuple[int, str]] = {
}


def _matcher(key: str) -> re.Pattern:
    # Node ids hold brackets, which fnmatch would read as character classes.
    return re.compile(".*".join(re.escape(part) for part in key.split("*")))


_MATCHERS = [(_matcher(key), issue, reason) for key, (issue, reason) in KNOWN_FAILURES.items()]


def mark_known_failures(items: list) -> None:
    for item in items:
        for matcher, issue, reason in _MATCHERS:
            if matcher.fullmatch(item.nodeid):
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"issue #{issue}: {reason}"))
                break
