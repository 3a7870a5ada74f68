from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dowimm.calendars.models import Calendar, CalendarEntry


class CalendarEntryInline(admin.TabularInline):
    model = CalendarEntry
    extra = 0
    fields = ["academic_year", "kind", "start_date", "end_date", "label"]


@admin.register(Calendar)
class CalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "school", "inherits_county"]
    list_select_related = ["school"]
    raw_id_fields = ["school"]
    inlines = [CalendarEntryInline]
