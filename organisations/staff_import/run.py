"""The two entry points, ``plan_import`` and ``apply_import``, and the engine each file takes."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import IO, Any, Literal, Protocol

from django.db import connection, transaction

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.leaving import end_stale_ties, restore_after_import
from organisations.models import Organisation, Unit
from organisations.staff_import.checks import Errors, StagingDb, collect_errors, cross_row_checks
from organisations.staff_import.chunked import ChunkedRun
from organisations.staff_import.columns import Layout, RowChecker
from organisations.staff_import.esr import (
    EsrRowChecker,
    assignment_checks,
    fold,
    full_time_cents,
)
from organisations.staff_import.leavers import count_leaving, count_ties, leaving_refused
from organisations.staff_import.plan import ImportPlan, RowError, WriteAs
from organisations.staff_import.postgres import PostgresRun
from organisations.staff_import.preview import summary_for
from organisations.staff_import.profiles import ESR, PROFILES
from organisations.staff_import.reading import (
    BoundedReader,
    file_problem,
    open_upload,
    read_layout,
    staged_rows,
)

Engine = Literal["auto", "postgres", "chunked"]


class EngineRun(Protocol):
    """One engine's handling of one file (see ``postgres``, ``chunked``)."""

    @property
    def db(self) -> StagingDb: ...

    def stage(self, rows: Iterator[tuple[Any, ...]]) -> None: ...

    def stage_assignments(self, rows: Iterator[tuple[Any, ...]]) -> None: ...

    def fold(self, sql: str, params: Sequence[Any]) -> None: ...

    def preview(self, plan: ImportPlan) -> None: ...

    def write(self, plan: ImportPlan, write_as: WriteAs) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


def _engine_run(
    engine: Engine,
    *,
    organisation: Organisation,
    layout: Layout,
    units: dict[str, int],
    mark_missing_as_left: bool,
) -> EngineRun:
    """PostgreSQL's set-based engine on PostgreSQL; the chunked one anywhere else."""
    if engine == "auto":
        engine = "postgres" if connection.vendor == "postgresql" else "chunked"
    options: dict[str, Any] = {
        "organisation": organisation,
        "layout": layout,
        "unit_codes": {pk: code for code, pk in units.items()},
        "mark_missing_as_left": mark_missing_as_left,
    }
    if engine == "postgres":
        return PostgresRun(**options)
    return ChunkedRun(**options)


def _run(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    mark_missing_as_left: bool,
    engine: Engine,
    write_as: WriteAs | None,
) -> ImportPlan:
    plan = ImportPlan()
    early: list[RowError] = []
    stream, profile = open_upload(upload)
    plan.profile = profile.name
    try:
        reader = BoundedReader(stream)
        try:
            layout = read_layout(reader, plan, early, profile)
        except (UnicodeDecodeError, csv.Error) as exc:
            return _unreadable(plan, early, file_problem(exc, profile))
        if layout is None:
            plan.errors = sorted(early, key=lambda e: (e.line, e.column))
            plan.error_count = len(plan.errors)
            return plan
        units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
        run = _engine_run(
            engine,
            organisation=organisation,
            layout=layout,
            units=units,
            mark_missing_as_left=mark_missing_as_left,
        )
        try:
            _check_and_apply(
                run,
                reader=reader,
                layout=layout,
                units=units,
                plan=plan,
                early=early,
                organisation=organisation,
                mark_missing_as_left=mark_missing_as_left,
                write_as=write_as,
            )
        except BaseException:
            run.discard()
            raise
        run.close()
    finally:
        # Leave the caller's file open: it may be read again (preview, then store).
        stream.detach()
    return plan


def _check_and_apply(
    run: EngineRun,
    *,
    reader: BoundedReader,
    layout: Layout,
    units: dict[str, int],
    plan: ImportPlan,
    early: list[RowError],
    organisation: Organisation,
    mark_missing_as_left: bool,
    write_as: WriteAs | None,
) -> None:
    profile = PROFILES[layout.profile]
    unreadable: list[RowError] = []
    errors = Errors(run.db)
    if profile is ESR:
        # One row per assignment: staged as read, checked together, then folded into one
        # row per person, from where the import goes on as for any file (``esr``).
        esr_checker = EsrRowChecker(layout, units)
        run.stage_assignments(staged_rows(reader, esr_checker, plan, unreadable, profile))
        if unreadable:
            _unreadable(plan, early, unreadable[0])
            return
        for seq, error in enumerate(early):
            errors.add(error.line, error.column, seq, error.message)
        assignment_checks(run.db, errors, bad_rows=esr_checker.bad_rows)
        run.fold(fold(run.db, layout), [full_time_cents()])
        plan.people = int(run.db.one("SELECT count(*) FROM import_rows")[0])
        bad_rows = 0  # each assignment's own problems are reported above
    else:
        checker = RowChecker(layout, units)
        run.stage(staged_rows(reader, checker, plan, unreadable))
        if unreadable:
            _unreadable(plan, early, unreadable[0])
            return
        for seq, error in enumerate(early):
            errors.add(error.line, error.column, seq, error.message)
        bad_rows = checker.bad_rows
    cross_row_checks(
        run.db,
        errors,
        bad_rows=bad_rows,
        mark_missing_as_left=mark_missing_as_left,
        headings=profile.headings,
    )
    collect_errors(run.db, errors, plan)
    if not plan.ok:
        return
    if write_as is None:
        run.preview(plan)
        if mark_missing_as_left:
            count_leaving(run.db, plan)
            if plan.marked_left:
                count_ties(run.db, plan, organisation)
        return
    forced = False
    if mark_missing_as_left:
        # Checked again here, as it is written: records may have changed since the preview.
        count_leaving(run.db, plan)
        refused = leaving_refused(plan, write_as)
        if refused is not None:
            plan.errors, plan.error_count = [refused], 1
            return
        forced = plan.left_above_limit
    run.write(plan, write_as)
    audit_record(
        actor=write_as.by,
        action=Action.UPDATE,
        channel=write_as.channel,
        target=organisation,
        organisation_id=organisation.pk,
        summary=summary_for(plan, write_as.file_name),
        changes={"counts": plan.counts(), **({"left_forced": True} if forced else {})},
    )


def _unreadable(plan: ImportPlan, early: list[RowError], problem: RowError) -> ImportPlan:
    """The file cannot be read to the end: report that, and nothing about its rows."""
    plan.errors = [*early, problem]
    plan.error_count = len(plan.errors)
    return plan


def plan_import(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    mark_missing_as_left: bool = False,
    engine: Engine = "auto",
) -> ImportPlan:
    """Read the whole file and work out what it would change, without writing anything."""
    with transaction.atomic():
        return _run(
            organisation=organisation,
            upload=upload,
            mark_missing_as_left=mark_missing_as_left,
            engine=engine,
            write_as=None,
        )


def apply_import(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    by: User | None,
    channel: Channel = Channel.IMPORT,
    mark_missing_as_left: bool = False,
    left_confirmed: int | None = None,
    left_forced: bool = False,
    file_name: str = "",
    engine: Engine = "auto",
) -> ImportPlan:
    """Check the file again and, if it is clean, write it all in one transaction.

    Marking the missing as left needs ``left_confirmed``, the number of people the person
    importing agreed to mark as left (from the preview, or the command's prompt), and
    ``left_forced`` when that is more than ``leavers_limit`` allows. If the file would now
    mark a different number, or too many without force, nothing is written.
    """
    with transaction.atomic():
        # Lock the organisation row so two imports into one organisation run one after the
        # other, and a single edit (which takes the same lock) waits for the import.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan = _run(
            organisation=organisation,
            upload=upload,
            mark_missing_as_left=mark_missing_as_left,
            engine=engine,
            write_as=WriteAs(
                by=by,
                channel=channel,
                file_name=file_name,
                left_confirmed=left_confirmed,
                left_forced=left_forced,
            ),
        )
        if plan.ok and (plan.updated or plan.marked_left):
            # A new line manager or a leaver ends passport sharing, and the carer is asked again.
            end_stale_ties(organisation_id=organisation.pk, left_by_import=plan.marked_left > 0)
        if plan.ok and plan.updated:
            # Someone put back in post, or given back their manager, by a corrected file.
            restore_after_import(organisation_id=organisation.pk)
    return plan
