"""The migration checklist behind ``roomschema check``; ``docs`` shows its state.

The orchestrator: it runs the rules in order and gathers their findings. The rules are in
``rules`` (files, gaps, policy, compatibility, verification, docs), ``sources`` (is there a
migration, does Room find a path) and ``released`` (released schemas never change); none of
them imports this module. ``findings`` says what a finding is and lists the rule ids.

A check of an unchanged tree costs little: validation and verification
verdicts are cached under the sha256 of everything they depend on
(``cache``, filled by ``fast``), and git is asked once for the ids of every released
file, then only for the content of files whose id differs (``released``). When no input
changed at all, ``run_all`` gives back the whole outcome it stored (``whole``) without
loading a schema.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from roomschema.check.cache import Cache
from roomschema.check.findings import ERROR, STAYS_WARNING, Finding
from roomschema.check.released import check_released, released_setting
from roomschema.check.sources import Pair, collect, missing
from roomschema.errors import RoomSchemaError


@dataclass
class Report:
    folder: Path
    versions: list
    schemas: dict                 # version -> Schema, valid files only
    pairs: list
    findings: list
    notes: list
    doc: Path
    spans: list = field(default_factory=list)  # Pairs of migrations that jump over versions, e.g. 1->3

    @property
    def not_verified(self) -> list:
        """``[(old, new)]`` of the pairs and spans with a migration that is not verifiable, or whose
        migration may be one the reader could not tell the versions of: neither passed nor failed,
        and counted apart from both."""
        found = {(p.old, p.new) for p in self.pairs + self.spans if any(s.not_verifiable for s in p.sources)}
        found.update((f.versions[0], f.versions[1]) for f in self.findings
                     if f.rule == "migration-unverifiable" and len(f.versions) == 2)
        return sorted(found)


def run(proj, *, strict: bool = False, use_cache: bool = True, verify: bool = True,
        released: Optional[str] = None) -> Report:
    """Every rule over the project's schema folder (bad configuration raises, exit 2)."""
    from roomschema.kotlin.migrations import remembering
    with remembering():  # each hand-written migration is read for its versions, then for its statements
        return _run(proj, strict=strict, use_cache=use_cache, verify=verify, released=released)


def _run(proj, *, strict: bool, use_cache: bool, verify: bool, released: Optional[str]) -> Report:
    from roomschema.check import rules
    from roomschema.check.fast import parse_ahead, validating, warm_verification
    from roomschema.check.sources import read_ahead
    from roomschema.schema.discovery import version_files
    from roomschema.migration.changes import diff
    from roomschema.migration.plan import check_declarations
    from roomschema.render.code import default_output_dir
    from roomschema.render.history import doc_path

    config, folder = proj.config, proj.folder
    files = version_files(folder)
    if not files:
        raise RoomSchemaError("no N.json schema files in this directory", file=folder)
    rules.validate_config(config)
    setting = released_setting(config, released)
    findings, notes = check_released(folder, files, setting)
    cache = Cache.for_folder(folder, config, enabled=use_cache)
    versions = list(files)
    autos = config.auto_migrations
    out = default_output_dir(folder, config)
    with validating(files, cache):  # on the other cores, while this one reads the migrations
        read_ahead(out, cache)
        parse_ahead(files, cache)
    schemas, invalid = rules.check_files(files, cache)
    findings = invalid + findings + rules.check_gaps(folder, versions, config)
    # The additive-first policy is about what is about to ship. Versions named shipped (``released``
    # set, or --released) cannot be made additive any more: a history adopted as it is needs no
    # acknowledgement of every change it ever made. Without the setting nothing is exempt.
    shipped = rules.released_versions(folder, versions, setting) if setting is not None else set()
    pairs = []
    for a, b in zip(versions, versions[1:]):
        pair = Pair(a, b, files[b])
        pairs.append(pair)
        if a in schemas and b in schemas:
            config.check_expectations(schemas[a], schemas[b])
            check_declarations(schemas[a], schemas[b], config.declarations(a, b), file=config.path,
                               prefix=f'migrations."{a}-{b}".')
            pair.diff = d = diff(schemas[a], schemas[b], config.declarations(a, b))
            if b in shipped:
                continue
            findings += rules.check_policy(pair, d, config)
            if config.require_backward_compatible:
                findings += rules.check_compat(pair, d)
    spans, edges, not_kotlin, unreadable = collect(pairs, files, out, autos, cache)
    findings += missing(files, edges, out, unreadable) + not_kotlin
    if verify:
        warm_verification([(src, schemas[p.old], schemas[p.new]) for p in pairs + spans for src in p.sources
                           if p.old in schemas and p.new in schemas], proj, cache)
        for pair in pairs + spans:
            findings += rules.verify_migrations(pair, proj, schemas, cache)
    report = Report(folder, versions, schemas, pairs, findings, notes, doc_path(proj), spans)
    report.findings += rules.check_docs(report.doc, report.versions, config, strict)
    report.findings += rules.check_destructive_fallback(folder)
    if strict:
        report.findings = [f if f.rule in STAYS_WARNING else
                           Finding(f.rule, ERROR, f.file, f.message, f.fix, f.versions, f.details)
                           for f in report.findings]
    return report


@dataclass
class Outcome:
    """One database folder of a run over several: its name, and its report or the bad input that stopped it."""

    label: str
    proj: Any  # cli.common.Project: check never imports the command line
    report: Optional[Report] = None
    error: Optional[RoomSchemaError] = None


def run_all(projs: list, labels: dict, *, strict: bool = False, use_cache: bool = True, verify: bool = True,
            released: Optional[str] = None) -> list:
    """Every rule over every database folder, then across the folders of one database
    (``variant-diverged``). Bad input in one folder stops that folder only: ``Outcome.error``.
    An unchanged project gives back its last outcome without loading a schema (``whole``)."""
    from roomschema.check.released import released_setting
    stored = _whole_report(projs, labels, (strict, verify, released)) if use_cache else None
    if stored is not None and stored[2] is not None:
        return stored[2]
    from roomschema.check import rules  # here, not above: a stored report needs no rule
    out = []
    for proj in projs:
        item = Outcome(labels[proj.folder], proj)
        try:
            item.report = run(proj, strict=strict, use_cache=use_cache, verify=verify, released=released)
        except RoomSchemaError as err:
            item.error = err
        out.append(item)
    done = [c for c in out if c.report is not None]
    views = []
    for c in done:
        assert c.report is not None
        setting = released_setting(c.proj.config, released)
        try:
            shipped = rules.released_versions(c.report.folder, c.report.versions, setting)
        except RoomSchemaError:
            shipped = set()  # its own check already said why
        views.append((c.label, c.report.folder, c.report.schemas, shipped))
    diverged = rules.check_variants(views)
    for c in done:
        assert c.report is not None
        c.report.findings += diverged.get(c.label, [])
    if verify:
        _check_docs_current(done, use_cache)
    if stored is not None and len(done) == len(out):
        _store_whole_report(stored, projs, labels, (strict, verify, released), out)
    return out


def _whole_report(projs: list, labels: dict, options: tuple) -> Optional[tuple]:
    """``(cache, inputs key, outcomes or None)`` of the whole-report cache for this run, or None when
    the run has an input the key does not cover (then it is neither read nor stored)."""
    from roomschema.check import whole
    if not projs or any(p.folder is None for p in projs):
        return None
    cache = Cache.for_folder(projs[0].folder, projs[0].config)
    key = whole.inputs_key(projs, labels, options, os.path.realpath(cache.root) if cache.root else None)
    if key is None:
        return None
    hit = cache.get("report", key)
    if hit is None or len(hit.get("outcomes", ())) != len(projs):
        return cache, key, None
    return cache, key, [Outcome(c["label"], proj, Report(*whole.report_args(c["report"])))
                        for proj, c in zip(projs, hit["outcomes"])]


def _store_whole_report(stored: tuple, projs: list, labels: dict, options: tuple, out: list) -> None:
    from roomschema.check import whole
    cache, key, _ = stored
    # Inputs that changed while the run read them: the outcome may mix both states, so keep none.
    if whole.inputs_key(projs, labels, options, os.path.realpath(cache.root) if cache.root else None) != key:
        return
    cache.put("report", key, {"outcomes": [{"label": c.label, "report": whole.report_json(c.report)} for c in out]})


def _check_docs_current(done: list, use_cache: bool) -> None:
    """``docs-stale`` on the folder that ``roomschema docs`` writes each document from (of the variant
    folders sharing one, the one with the newest version, the first on a tie), once nothing else is
    wrong with it: an error changes the document too (one cause, one finding)."""
    from roomschema.check import rules
    writers: dict = {}
    for c in done:
        key = c.report.doc.resolve()
        if key not in writers or max(c.report.versions) > max(writers[key].report.versions):
            writers[key] = c
    for c in writers.values():
        if not any(f.severity == ERROR for f in c.report.findings):
            cache = Cache.for_folder(c.report.folder, c.proj.config, enabled=use_cache)
            c.report.findings += rules.check_docs_current(c.proj, c.report, cache)
