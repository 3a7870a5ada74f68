from django import forms
from django.conf import settings

from cases.services import REVIEW_FIELDS
from dowimm.calendars.deadlines import placement_expected_end, review_schedule
from dowimm.calendars.school_days import NoTermDates, school_days_for
from dowimm.forms import GovForm, SchoolDateField, text_field, yes_no_field
from meetings.models import ReviewMeeting


def attendees_field():
    return text_field(
        "Who attended",
        rows=4,
        help_text="One person a line, with their role.",
        error="Enter who attended the meeting",
    )


class PreliminaryMeetingForm(GovForm):
    submit_label = "Save preliminary meeting"

    held_on = SchoolDateField(
        what="the date of the preliminary meeting", label="Date held", past=True
    )
    attendees = attendees_field()
    notes = text_field("Notes", required=False, rows=4)


class PlanningMeetingForm(GovForm):
    submit_label = "Save planning meeting"

    held_on = SchoolDateField(
        what="the date of the planning meeting", label="Date held", past=True
    )
    attendees = attendees_field()
    family_understand_process = yes_no_field(
        "Do the pupil and family understand the process?",
        error_messages={"required": "Select yes if the family understand the process"},
    )
    support_agreed = text_field(
        "Support agreed",
        rows=4,
        help_text="For example SEND adjustments, social care, breakfast club, a "
        "transition timetable.",
        error="Enter the support agreed",
    )
    engagement_level = text_field(
        "Engagement level agreed",
        rows=3,
        help_text="What the pupil is expected to do. Falling below it triggers a "
        "review.",
        error="Enter the engagement level agreed",
    )
    attendance_threshold_percent = forms.IntegerField(
        label="Attendance below which a review is held (%)",
        # A text box, as GOV.UK asks for numbers: a number box would change
        # the value on a scroll of the mouse wheel.
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
        ),
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the attendance threshold as a percentage",
            "invalid": "Enter the attendance threshold as a whole number, like 90",
            "min_value": "Enter an attendance threshold between 1 and 100",
            "max_value": "Enter an attendance threshold between 1 and 100",
        },
    )
    proposed_start_on = SchoolDateField(
        what="the proposed start date", label="Proposed start date"
    )
    first_review_on = SchoolDateField(
        what="the date of the first review", label="First review (face to face)"
    )
    second_review_on = SchoolDateField(
        what="the date of the second review", label="Second review", required=False
    )
    third_review_on = SchoolDateField(
        what="the date of the third review", label="Third review", required=False
    )
    fourth_review_on = SchoolDateField(
        what="the date of the fourth review", label="Fourth review", required=False
    )

    REVIEW_FIELDS = REVIEW_FIELDS

    @classmethod
    def proposed_initial(cls, school, today):
        """
        A first proposal on the receiving school's calendar: the earliest
        start that leaves the notice period from today, and a review every
        10 school days until the expected end. Nothing when term dates are
        missing: dates are never guessed.
        """
        try:
            school_days = school_days_for(school)
            start = school_days.add_school_days(
                today, settings.DOWIMM_PLANNING_NOTICE_SCHOOL_DAYS
            )
            end = placement_expected_end(school_days, start).end_date
            reviews = review_schedule(school_days, start, end)
        except NoTermDates:
            return {}
        return {
            "proposed_start_on": start,
            **dict(zip(cls.REVIEW_FIELDS, reviews, strict=False)),
        }

    def details(self):
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.REVIEW_FIELDS
        }

    def review_dates(self):
        return [
            self.cleaned_data[name]
            for name in self.REVIEW_FIELDS
            if self.cleaned_data.get(name)
        ]


class ReviewForm(GovForm):
    submit_label = "Save the review"

    held_on = SchoolDateField(
        what="the date of the review", label="Date held", past=True
    )
    face_to_face = yes_no_field(
        "Was it face to face?",
        error_messages={"required": "Select yes if the review was face to face"},
    )
    attendees = attendees_field()
    incidents = text_field("Incidents since the last review", required=False, rows=3)
    engagement = forms.ChoiceField(
        label="Engagement against the agreed level",
        choices=ReviewMeeting.Engagement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the pupil is engaging"},
    )
    engagement_notes = text_field("About engagement", required=False, rows=3)
    pupil_voice = text_field(
        "What the pupil says", rows=3, error="Enter what the pupil says"
    )
    family_voice = text_field(
        "What the family says", rows=3, error="Enter what the family says"
    )
    concerns_and_support = text_field("Concerns and support", required=False, rows=3)
    strategies_shared = text_field(
        "Strategies the home school shared", required=False, rows=3
    )
    reintegration_planning = text_field(
        "Reintegration planning by the home school", required=False, rows=3
    )
    travel_plan_review = text_field(
        "Travel plan review",
        required=False,
        rows=3,
        help_text="Only if the pupil has an individual travel plan.",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=ReviewMeeting.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the review's decision"},
    )
    next_review_on = SchoolDateField(
        what="the date of the next review",
        label="Next review",
        required=False,
        help_text="Needed unless the placement is ending or a managed move is offered.",
    )

    def details(self):
        data = dict(self.cleaned_data)
        data.pop("next_review_on")
        return data
