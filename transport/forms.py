from django import forms

from dowimm.forms import GovForm, text_field


class TransportDecisionForm(GovForm):
    submit_label = "Record decision"

    approve = forms.TypedChoiceField(
        label="Has the transport panel approved transport for this placement?",
        choices=[(True, "Yes, approved"), (False, "No, refused")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether transport was approved"},
    )
    notes = text_field(
        "Conditions or reasons",
        rows=4,
        error="Enter the panel's conditions or reasons",
    )
