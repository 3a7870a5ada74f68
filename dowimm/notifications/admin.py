from django.contrib import admin

from dowimm.notifications.models import Reminder, WeeklySummary


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "due_on", "recipient", "status", "attempts"]
    list_filter = ["status", "kind"]
    list_select_related = ["case", "recipient"]
    raw_id_fields = ["case", "recipient"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ["week_starting", "sent_at"]
