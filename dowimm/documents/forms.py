from django import forms

from dowimm.forms import GovForm, text_field


class StaffSignForm(GovForm):
    submit_label = "Sign the document"

    # The version the signer had in front of them, which may have been
    # replaced by the time they press the button.
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read this version and sign it for my school",
        error_messages={"required": "Confirm you have read this version to sign it"},
    )


class SigningLinkForm(GovForm):
    submit_label = "Email the signing link"

    recipient = forms.ChoiceField(
        label="Who should get a link?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who to email a signing link to"},
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipients = recipients
        self.fields["recipient"].choices = [
            (key, label) for key, (label, *_rest) in recipients.items()
        ]


class SendCodeForm(GovForm):
    submit_label = "Email me a code"


class CodeForm(GovForm):
    submit_label = "Continue"

    code = forms.RegexField(
        label="Code",
        regex=r"^\s*\d{6}\s*$",
        help_text="The 6-digit code in the email we sent you",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": "Enter the 6-digit code from the email",
            "invalid": "Enter the code as 6 numbers, like 123456",
        },
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class FamilySignForm(GovForm):
    submit_label = "Sign the document"

    full_name = text_field(
        "Your full name",
        help_text="Type your name as you would sign it",
        error="Enter your full name to sign",
    )
    declaration = forms.BooleanField(
        label="I have read the document and I agree to it",
        error_messages={
            "required": (
                "Tick the box to confirm you have read and agree to the document"
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"


class VerifyForm(GovForm):
    submit_label = "Check the document"

    file = forms.FileField(
        label="Upload the PDF",
        error_messages={
            "required": "Select the PDF you want to check",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("The PDF must be smaller than 20 MB")
        # Every PDF starts so; anything else could never match one on record.
        start = upload.read(5)
        upload.seek(0)
        if start != b"%PDF-":
            raise forms.ValidationError(
                "The selected file is not a PDF. Upload the PDF of the document "
                "as it was emailed or downloaded"
            )
        return upload
