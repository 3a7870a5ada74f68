"""
Sent inside the transaction that changed a calendar's entries, so that whatever
was counted in school days on it can be counted again before the change commits.
"""

from django.dispatch import Signal

# Arguments: calendar (the Calendar changed) and user (None for an import).
calendar_changed = Signal()
