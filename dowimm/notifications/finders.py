"""
What is due today, and for whom: one finder per kind of reminder.

A finder is a function `finder(scope) -> iterable of Due`, registered with
`@finder`. It reads the cases in `scope.cases`, asks `scope.school_days` for
the calendars it needs (loaded for all schools at once) and `scope.people`
for the recipients, and returns what is due on `scope.today`. A finder
never writes: the daily job saves each Due as Reminder rows, and a row that
already exists is left alone, so a finder may return the same Due every day
until the thing is done.

A date that depends on a year nobody has entered term dates for is never
guessed: the case is left out and `scope.missing_term_dates` says why.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from cases import checklist, monitoring
from cases.models import (
    Case,
    ExtensionAnswer,
    ExtensionRequest,
    ManagedMove,
    Outcome,
    ReceivingSchoolApproach,
)
from dowimm.accounts.models import User
from dowimm.calendars.school_days import (
    NoTermDates,
    format_day,
    school_days_for_schools,
)
from dowimm.notifications.models import Reminder
from dowimm.schools.models import School
from meetings.models import ReviewMeeting

logger = logging.getLogger(__name__)

Kind = Reminder.Kind

# How far ahead each reminder looks, in school days of the school concerned.
REVIEW_NOTICE_SCHOOL_DAYS = 3
PLACEMENT_END_NOTICE_SCHOOL_DAYS = 5
PLANNING_NOTICE_SCHOOL_DAYS = 5
APPROACH_ANSWER_SCHOOL_DAYS = 3

# No run of 5 school days is longer than this, summer holiday included, so
# rows beyond it are left in the database.
LONGEST_LOOK_AHEAD = datetime.timedelta(days=70)

FINDERS = []


def finder(function):
    FINDERS.append(function)
    return function


@dataclass(frozen=True)
class Due:
    case_id: int
    kind: str
    due_on: object
    recipient_ids: frozenset
    message: str


@dataclass
class Scope:
    """What every finder reads: today, the cases to look at, and helpers."""

    today: object
    cases: object = None
    people: "People" = None
    missing_term_dates: set = field(default_factory=set)
    _school_days: dict = field(default_factory=dict)
    _horizons: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.cases is None:
            self.cases = Case.objects.all()
        if self.people is None:
            self.people = People()

    def school_days(self, school_ids):
        """The SchoolDays of each school, keyed by id; two queries at most."""
        wanted = set(school_ids) - set(self._school_days)
        if wanted:
            schools = School.objects.filter(pk__in=wanted).only("pk", "name")
            self._school_days.update(school_days_for_schools(schools))
        return self._school_days

    def horizon(self, school_id, school_days):
        """
        The `school_days`th school day after today at a school (whose
        calendar was loaded by school_days()); raises NoTermDates.
        """
        key = (school_id, school_days)
        if key not in self._horizons:
            calendar = self._school_days[school_id]
            self._horizons[key] = calendar.add_school_days(self.today, school_days)
        return self._horizons[key]

    def no_term_dates(self, case_id, missing):
        if (missing.academic_year, missing.place) not in self.missing_term_dates:
            logger.warning(
                "Reminders for case %s wait for term dates for %s",
                case_id,
                missing.academic_year,
            )
        self.missing_term_dates.add((missing.academic_year, missing.place))


class People:
    """Who gets reminded, by role, loaded once per run whatever the size."""

    def __init__(self):
        self._staff = None
        self._by_role = {}

    def school_staff(self, school_id, *, dsls_only=False):
        if self._staff is None:
            self._staff = defaultdict(list)
            for user in _reachable().filter(role=User.Role.SCHOOL_STAFF):
                self._staff[user.school_id].append(user)
        return {
            user.pk for user in self._staff[school_id] if user.is_dsl or not dsls_only
        }

    def with_role(self, role):
        if role not in self._by_role:
            self._by_role[role] = set(
                _reachable().filter(role=role).values_list("pk", flat=True)
            )
        return self._by_role[role]

    def adviser(self, school):
        """The Inclusion Adviser linked to a school, when they can be emailed."""
        adviser = school.inclusion_adviser
        if adviser is None or not adviser.is_active or not adviser.email:
            return set()
        return {adviser.pk}


def _reachable():
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .only("pk", "role", "school_id", "is_dsl")
    )


def find_due(scope):
    """Every Due from every finder, for scope.today."""
    found = []
    for function in FINDERS:
        found.extend(function(scope))
    return found


def _both_schools(scope, case):
    return scope.people.school_staff(case.home_school_id) | scope.people.school_staff(
        case.receiving_school_id
    )


# Reviews: on the receiving school's calendar, in the next 3 school days, or
# overdue. Both schools are reminded; the adviser too once one is overdue.


@finder
def reviews_due_or_overdue(scope):
    reviews = ReviewMeeting.objects.filter(
        held_on__isnull=True,
        scheduled_for__lte=scope.today + LONGEST_LOOK_AHEAD,
        case__in=scope.cases.filter(state__in=Case.PLACEMENT_STATES),
    ).select_related("case__home_school__inclusion_adviser")
    reviews = list(reviews)
    scope.school_days({r.case.receiving_school_id for r in reviews})
    for review in reviews:
        case = review.case
        on = review.scheduled_for
        if on < scope.today:
            yield Due(
                case.pk,
                Kind.REVIEW_OVERDUE,
                on,
                frozenset(
                    _both_schools(scope, case) | scope.people.adviser(case.home_school)
                ),
                f"The review due on {format_day(on)} has not been recorded",
            )
            continue
        try:
            horizon = scope.horizon(case.receiving_school_id, REVIEW_NOTICE_SCHOOL_DAYS)
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        if on <= horizon:
            how = " (face to face)" if review.face_to_face else ""
            yield Due(
                case.pk,
                Kind.REVIEW_DUE,
                on,
                frozenset(_both_schools(scope, case)),
                f"Review on {format_day(on)}{how}",
            )


# The expected end of a placement within 5 school days of the receiving
# school, or passed with the case still open: both schools and the adviser.


@finder
def placements_ending(scope):
    cases = list(
        scope.cases.filter(
            state__in=Case.PLACEMENT_STATES,
            expected_end_on__lte=scope.today + LONGEST_LOOK_AHEAD,
        ).select_related("home_school__inclusion_adviser")
    )
    scope.school_days({c.receiving_school_id for c in cases})
    for case in cases:
        try:
            horizon = scope.horizon(
                case.receiving_school_id, PLACEMENT_END_NOTICE_SCHOOL_DAYS
            )
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        if case.expected_end_on <= horizon:
            yield Due(
                case.pk,
                Kind.PLACEMENT_ENDING,
                case.expected_end_on,
                frozenset(
                    _both_schools(scope, case) | scope.people.adviser(case.home_school)
                ),
                f"The placement is expected to end on "
                f"{format_day(case.expected_end_on)}: plan the final review "
                "and the outcome",
            )


# Planning tasks still waiting on someone once the proposed start is 5
# school days away (or passed), each person told only of their own tasks.


def _task_owners(scope, case):
    """Who does the tasks of each checklist owner, as sets of user ids."""
    people = scope.people
    home = people.school_staff(case.home_school_id)
    receiving = people.school_staff(case.receiving_school_id)
    return {
        checklist.HOME: home,
        checklist.HOME_DSL: people.school_staff(case.home_school_id, dsls_only=True),
        checklist.RECEIVING: receiving,
        checklist.RECEIVING_DSL: people.school_staff(
            case.receiving_school_id, dsls_only=True
        ),
        checklist.EITHER: home | receiving,
        checklist.BOTH: home | receiving,
        checklist.ADVISER: people.adviser(case.home_school),
        checklist.TRANSPORT: people.with_role(User.Role.TRANSPORT),
        checklist.FAIR_ACCESS: people.with_role(User.Role.FAIR_ACCESS),
    }


@finder
def planning_tasks_waiting(scope):
    cases = list(
        scope.cases.filter(
            state=Case.State.PLANNING, planning_meeting__isnull=False
        ).select_related(
            "pupil",
            "planning_meeting",
            "home_school__inclusion_adviser",
            "receiving_school",
        )
    )
    scope.school_days({c.receiving_school_id for c in cases})
    for case in cases:
        start = case.planning_meeting.proposed_start_on
        try:
            horizon = scope.horizon(
                case.receiving_school_id, PLANNING_NOTICE_SCHOOL_DAYS
            )
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        if start > horizon:
            continue

        owners = _task_owners(scope, case)
        tasks_by_person = defaultdict(list)
        for task in checklist.planning_tasks(case):
            if task.done or not task.required:
                continue
            for person in owners.get(task.owner, ()):
                tasks_by_person[person].append(task.title.lower())
        people_by_tasks = defaultdict(set)
        for person, titles in tasks_by_person.items():
            people_by_tasks[tuple(titles)].add(person)
        for titles, people in people_by_tasks.items():
            yield Due(
                case.pk,
                Kind.PLANNING_TASKS,
                start,
                frozenset(people),
                f"Before the placement starts on {format_day(start)}: "
                + "; ".join(titles),
            )


# An approach with no answer after 3 school days of the approached school:
# that school's staff are asked to answer, the home school to chase.


@finder
def approaches_unanswered(scope):
    approaches = list(
        ReceivingSchoolApproach.objects.filter(
            answer=ReceivingSchoolApproach.Answer.AWAITING,
            case__in=scope.cases.filter(state=Case.State.FINDING_SCHOOL),
        ).select_related("case", "school")
    )
    calendars = scope.school_days({a.school_id for a in approaches})
    chase = defaultdict(list)
    for approach in approaches:
        try:
            answer_by = calendars[approach.school_id].add_school_days(
                approach.approached_on, APPROACH_ANSWER_SCHOOL_DAYS
            )
        except NoTermDates as missing:
            scope.no_term_dates(approach.case_id, missing)
            continue
        if scope.today <= answer_by:
            continue
        yield Due(
            approach.case_id,
            Kind.APPROACH_UNANSWERED,
            answer_by,
            frozenset(scope.people.school_staff(approach.school_id)),
            f"Your school was asked on {format_day(approach.approached_on)} to "
            "host a placement and has not answered",
        )
        chase[(approach.case, answer_by)].append(approach)

    for (case, answer_by), waiting in chase.items():
        schools = ", ".join(a.school.name for a in waiting)
        yield Due(
            case.pk,
            Kind.APPROACH_UNANSWERED,
            answer_by,
            frozenset(scope.people.school_staff(case.home_school_id)),
            f"No answer yet from {schools}, approached "
            f"{format_day(waiting[0].approached_on)}",
        )


# During the placement: the last complete week with school days and no
# contact recorded, on the receiving school's calendar; both schools.


def _placements(scope):
    return list(
        scope.cases.filter(state__in=Case.PLACEMENT_STATES)
        .select_related("planning_meeting", "home_school__inclusion_adviser")
        .prefetch_related("contacts", "absences")
    )


@finder
def weeks_without_contact(scope):
    cases = _placements(scope)
    calendars = scope.school_days({c.receiving_school_id for c in cases})
    for case in cases:
        until = min(scope.today, case.expected_end_on or scope.today)
        try:
            weeks = monitoring.contact_weeks(
                case, calendars[case.receiving_school_id], until, scope.today
            )
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        gaps = [monday for monday, contacted in weeks if not contacted]
        if gaps and gaps[-1] == weeks[-1][0]:
            yield Due(
                case.pk,
                Kind.CONTACT_GAP,
                gaps[-1],
                frozenset(_both_schools(scope, case)),
                f"No contact was recorded in the week of {format_day(gaps[-1])}",
            )


# Attendance below the threshold agreed at planning: both schools and the
# adviser, once for each absence that leaves it below.


@finder
def attendance_below_threshold(scope):
    cases = [c for c in _placements(scope) if hasattr(c, "planning_meeting")]
    calendars = scope.school_days({c.receiving_school_id for c in cases})
    for case in cases:
        until = min(scope.today, case.expected_end_on or scope.today)
        try:
            attendance = monitoring.attendance(
                case, calendars[case.receiving_school_id], until
            )
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        if not attendance.below_threshold:
            continue
        latest = max(absence.absent_on for absence in case.absences.all())
        yield Due(
            case.pk,
            Kind.ATTENDANCE_BELOW,
            latest,
            frozenset(
                _both_schools(scope, case) | scope.people.adviser(case.home_school)
            ),
            f"Attendance is {attendance.percent}%, below the agreed "
            f"{attendance.threshold_percent}%: hold a review",
        )


# Extensions: each party that has not answered. The home school answers
# for itself and records the family's answer; FAET answer for themselves.


@finder
def extensions_waiting(scope):
    waiting = ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.AWAITING,
        case__in=scope.cases.filter(state__in=Case.PLACEMENT_STATES),
    ).prefetch_related("answers")
    Party = ExtensionAnswer.Party
    for extension in waiting:
        answered = {answer.party for answer in extension.answers.all()}
        home = {Party.HOME_SCHOOL, Party.FAMILY} - answered
        if home:
            yield Due(
                extension.case_id,
                Kind.EXTENSION_WAITING,
                extension.requested_on,
                frozenset(scope.people.school_staff(extension.case.home_school_id)),
                "The receiving school asked for an extension: record the answers "
                "of the home school and the family",
            )
        if Party.FAIR_ACCESS not in answered:
            yield Due(
                extension.case_id,
                Kind.EXTENSION_WAITING,
                extension.requested_on,
                frozenset(scope.people.with_role(User.Role.FAIR_ACCESS)),
                "An extension is waiting for the Fair Access team's answer",
            )


# Outcomes Forms: the receiving school sends it, FAET receive it.


@finder
def outcomes_waiting(scope):
    outcomes = Outcome.objects.filter(
        received_by_faet_on__isnull=True,
        case__in=scope.cases.filter(state=Case.State.ENDED),
    ).select_related("case")
    for outcome in outcomes:
        if outcome.sent_to_faet_on is None:
            yield Due(
                outcome.case_id,
                Kind.OUTCOME_WAITING,
                outcome.last_day_on,
                frozenset(scope.people.school_staff(outcome.case.receiving_school_id)),
                "Send the Outcomes Form to the Fair Access team",
            )
        else:
            yield Due(
                outcome.case_id,
                Kind.OUTCOME_WAITING,
                outcome.sent_to_faet_on,
                frozenset(scope.people.with_role(User.Role.FAIR_ACCESS)),
                "An Outcomes Form was sent to you: mark it received",
            )


# The child-protection file after a managed move: the home DSLs from 2
# school days before it is due, the receiving DSLs once it has been sent.

CP_FILE_NOTICE_SCHOOL_DAYS = 2


@finder
def cp_files_due(scope):
    moves = list(
        ManagedMove.objects.filter(
            cp_file_due_on__isnull=False,
            case__in=scope.cases.filter(state=Case.State.MANAGED_MOVE),
        ).select_related("case__cp_file_transfer")
    )
    scope.school_days({move.case.home_school_id for move in moves})
    for move in moves:
        case = move.case
        transfer = getattr(case, "cp_file_transfer", None)
        if transfer is not None:
            if transfer.received_on is None:
                yield Due(
                    case.pk,
                    Kind.CP_FILE_DUE,
                    transfer.sent_on,
                    frozenset(
                        scope.people.school_staff(
                            case.receiving_school_id, dsls_only=True
                        )
                    ),
                    "Confirm receipt of the child-protection file sent on "
                    f"{format_day(transfer.sent_on)}",
                )
            continue
        try:
            soon = scope.horizon(case.home_school_id, CP_FILE_NOTICE_SCHOOL_DAYS)
        except NoTermDates as missing:
            scope.no_term_dates(case.pk, missing)
            continue
        if move.cp_file_due_on <= soon:
            late = " (overdue)" if move.cp_file_due_on < scope.today else ""
            yield Due(
                case.pk,
                Kind.CP_FILE_DUE,
                move.cp_file_due_on,
                frozenset(
                    scope.people.school_staff(case.home_school_id, dsls_only=True)
                ),
                "Send the child-protection file by "
                f"{format_day(move.cp_file_due_on)}{late}",
            )
