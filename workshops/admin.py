from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workshops.models import (
    County,
    FrameworkSection,
    Membership,
    State,
    StateReviewer,
    System,
    Workshop,
)


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "fips"]
    list_filter = ["state"]
    search_fields = ["name", "fips"]


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_voice"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StateReviewer)
class StateReviewerAdmin(admin.ModelAdmin):
    list_display = ["user", "state"]
    list_filter = ["state"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["title", "county", "cycle", "stage"]
    list_filter = ["stage", "county__state", "cycle"]
    search_fields = ["title", "county__name"]
    autocomplete_fields = ["county"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "workshop", "role", "system", "agency"]
    list_filter = ["role", "system"]
    search_fields = ["user__email", "user__last_name", "agency"]
    autocomplete_fields = ["user", "workshop"]


@admin.register(FrameworkSection)
class FrameworkSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "updated_at"]
