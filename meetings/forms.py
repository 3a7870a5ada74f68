from django import forms

from dowimm.forms import GovForm, SchoolDateField, text_field, yes_no_field


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
        what="the date of the preliminary meeting", label="Date held"
    )
    attendees = attendees_field()
    notes = text_field("Notes", required=False, rows=4)


class PlanningMeetingForm(GovForm):
    submit_label = "Save planning meeting"

    held_on = SchoolDateField(
        what="the date of the planning meeting", label="Date held"
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
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the attendance threshold as a percentage",
            "invalid": "Enter the attendance threshold as a whole number, like 90",
            "min_value": "The attendance threshold must be between 1 and 100",
            "max_value": "The attendance threshold must be between 1 and 100",
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

    REVIEW_FIELDS = (
        "first_review_on",
        "second_review_on",
        "third_review_on",
        "fourth_review_on",
    )

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
