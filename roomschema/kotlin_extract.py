"""Compatibility name for :mod:`roomschema.kotlin`, where the extractor now lives.

Kept because the checklist modules (checklist.py, verification_cache.py), being split
separately, still import this name; new code imports ``roomschema.kotlin``.
"""
from __future__ import annotations

from .kotlin import (
    ExtractedMigration,
    ExtractedStatement,
    KotlinExtractError,
    extract_migrations,
    kotlin_string_literal,
    trim_indent,
    trim_margin,
    unverifiable_messages,
)

__all__ = [
    "ExtractedMigration",
    "ExtractedStatement",
    "KotlinExtractError",
    "extract_migrations",
    "unverifiable_messages",
    "kotlin_string_literal",
    "trim_indent",
    "trim_margin",
]
