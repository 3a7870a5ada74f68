from django import forms
from django.contrib.auth.forms import AuthenticationForm

from dowimm.forms import GovForm


class SignInForm(AuthenticationForm):
    # One message for an unknown username, a wrong password and a disabled
    # account, so the form never says which usernames exist.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Enter the username and password of your account. Check both and try again"
        ),
        "inactive": (
            "Enter the username and password of your account. Check both and try again"
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SecondFactorForm(GovForm):
    submit_label = "Continue"

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text=(
            "The 6-digit code the app shows now. If you have lost your phone, "
            "enter one of your recovery codes instead."
        ),
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input--width-20",
            }
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class SetUpForm(GovForm):
    submit_label = "Continue"

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Enter the 6-digit code the app shows for dowimm.",
        max_length=10,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, for example 123456"
            )
        return code
