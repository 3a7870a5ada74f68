from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dowimm.accounts.models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Administrators manage who may sign in and in what role."""

    list_display = (
        "username",
        "first_name",
        "last_name",
        "role_label",
        "school",
        "is_active",
    )
    list_filter = ("role", "is_dsl", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("school",)
    fieldsets = UserAdmin.fieldsets + (
        ("Role in dowimm", {"fields": ("role", "school", "is_dsl", "is_demo_account")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Role in dowimm", {"fields": ("role", "school", "is_dsl")}),
    )

    @admin.display(description="Role", ordering="role")
    def role_label(self, user):
        return user.role_label
