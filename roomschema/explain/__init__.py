"""``roomschema explain``: crash triage for Room's migration messages.

``parse`` reads the messages in every layout Room has printed, ``compare`` says what differs,
``locate`` places each side in the project's schema history, ``report`` writes the answer.
"""
from __future__ import annotations

from roomschema.explain.parse import (IdentityMismatch, Message, Mismatch, MissingMigration, ParseError,
                                      messages, parse_info)

__all__ = ["IdentityMismatch", "Message", "Mismatch", "MissingMigration", "ParseError", "messages", "parse_info"]
