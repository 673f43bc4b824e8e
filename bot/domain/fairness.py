"""The counting rules that judge units fairly (``docs/bulletins.md`` states each one).

One place decides, for bulletins, the 督查反馈, App Home and the ledger alike:

* which items are counted at all (:data:`NOT_COUNTED_STATES`, :func:`counted`): items still waiting
  for approval (拟办呈批), not yet issued, or ended without being completed (rejected, withdrawn …)
  are never counted, overdue or criticised;
* when an item's clock starts (:func:`clock_start`): the day it was issued, not the day it was
  registered; a deadline set before approval runs from issue (:func:`due_from_issue`);
* the one rule for "on time" (:func:`finished_on`, :func:`outcome`): the day of the unit's final
  report against the deadline. The office's review time is its own time limit, measured apart;
* when a deadline has "fallen due" in a figure cut off at ``as_of`` (:func:`fell_due`): an item due
  on the cut-off day is not failed while that day is still running.

Pure: no clock reads, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.domain.calendar import WorkCalendar
from bot.domain.errors import DomainError
from bot.domain.lifecycle import FINAL_STATES, State

# Ended with a result: the unit's work is judged.
FINISHED_STATES: frozenset[State] = frozenset({State.COMPLETED, State.ARCHIVED, State.CLOSED})
# Not (yet) the units' business: before issue, or ended without a result (rejected, withdrawn …).
# Any terminal state other than a finished one is excluded, so a new one (e.g. withdrawn) is too.
NOT_COUNTED_STATES: frozenset[State] = frozenset(
    {State.REGISTERED, State.PENDING_APPROVAL} | {s for s in FINAL_STATES if s not in FINISHED_STATES}
)


def counted(state: State) -> bool:
    """Does an item in ``state`` enter any figure, overdue list or criticism?"""
    return state not in NOT_COUNTED_STATES


# The unit has handed in its final report and the office has yet to decide.
AWAITING_OFFICE_STATES: frozenset[State] = frozenset({State.REPORTED, State.UNDER_REVIEW})


def local_day(instant: datetime, tz: tzinfo) -> date:
    return instant.astimezone(tz).date()


def clock_start(issued_at: datetime | None, created_at: datetime) -> datetime:
    """When the units' clock started: the issue (交办), or registration for data without an issue."""
    return issued_at or created_at


def finished_on(final_reported_at: datetime | None, completed_at: datetime | None, tz: tzinfo) -> date | None:
    """The day that judges "on time": the unit's final report that led to completion; the completion
    itself when there was no report (FYI transfers closed by acknowledgement, old data)."""
    if final_reported_at is not None:
        return local_day(final_reported_at, tz)
    return local_day(completed_at, tz) if completed_at is not None else None


def final_report_day(state: State, final_reported_at: datetime | None, tz: tzinfo) -> date | None:
    """The day of the final report the office has (or approved); None when there is none, or the office
    returned it (the item is back with the unit)."""
    if final_reported_at is None or (state not in AWAITING_OFFICE_STATES and state not in FINISHED_STATES):
        return None
    return local_day(final_reported_at, tz)


def reported_by(state: State, final_reported_at: datetime | None, as_of: date, tz: tzinfo) -> date | None:
    """For an item not finished by the cut-off: the day of the unit's final report when the office had it by
    then and had not decided (the unit's part ended there; the review time after it is the office's own
    limit), else None."""
    day = final_report_day(state, final_reported_at, tz)
    return day if day is not None and day <= as_of else None


def with_the_office(reported: date | None, due: date | None) -> bool:
    """Reported on or before ``due`` and waiting for the office: not overdue against it, not judged yet."""
    return reported is not None and due is not None and reported <= due


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a finished item finished against one deadline."""

    on_time: bool
    days_late: int  # calendar days after the deadline (0 when on time)
    days_early: int  # calendar days before the deadline (0 when on the day or late)


def outcome(finished: date, due: date) -> Outcome:
    delta = (finished - due).days
    return Outcome(delta <= 0, max(0, delta), max(0, -delta))


def on_time(finished: date | None, due: date | None) -> bool | None:
    """True/False when both are known; None for items without a deadline or not finished."""
    if finished is None or due is None:
        return None
    return finished <= due


def fell_due(due: date | None, as_of: date, today: date) -> bool:
    """Has ``due`` passed for a figure cut off at ``as_of`` (computed on ``today``)?

    A deadline before the cut-off has passed; one *on* the cut-off day has passed only once that day
    is over (a bulletin published on the deadline day does not fail the item)."""
    if due is None:
        return False
    return due < as_of or (due == as_of and as_of < today)


def happened_by(instant: datetime | None, as_of: date, tz: tzinfo) -> bool:
    """Did ``instant`` happen on or before the cut-off day?"""
    return instant is not None and local_day(instant, tz) <= as_of


def due_from_issue(due: date, registered_on: date, issued_on: date, calendar: WorkCalendar) -> date:
    """A deadline set at registration, moved by the working days the item waited for approval, so
    the units get the time they were given from the day it is issued."""
    if issued_on <= registered_on:
        return due
    try:
        waited = calendar.workdays_between(registered_on, issued_on)
        return calendar.add_workdays(due, waited) if waited > 0 else due
    except DomainError:  # a year nobody entered yet: calendar days rather than refuse the approval
        return due + (issued_on - registered_on)
