from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dowimm.schools.models import School


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    """
    GIAS fields come from `import_schools`; the rest is kept here, or by
    the school's own staff (its History shows who changed what), and a
    re-import never overwrites it.
    """

    list_display = ("name", "urn", "la_name", "district", "inclusion_adviser")
    list_filter = ("la_name", "district", "phase")
    search_fields = ("name", "urn", "town", "postcode")
    autocomplete_fields = ("inclusion_adviser",)
    readonly_fields = (
        "urn",
        "name",
        "phase",
        "status",
        "la_code",
        "la_name",
        "district",
        "street",
        "town",
        "postcode",
        "easting",
        "northing",
    )
    fieldsets = (
        ("From Get Information About Schools", {"fields": readonly_fields}),
        (
            "Kept in dowimm",
            {
                "fields": (
                    "day_starts",
                    "day_ends",
                    "inclusion_adviser",
                    "headteacher",
                    "named_contact",
                    "named_contact_email",
                    "dsl_name",
                    "dsl_email",
                )
            },
        ),
    )
