"""State reviewers edit instruments and data-table rows here.

An instrument in use by a workshop is frozen: its sections and questions are read-only and the
"new version" action copies it into an editable draft that new workshops will use.
"""

from django.contrib import admin, messages

from assessments.instruments import new_version
from assessments.models import Instrument, Metric, Question, Section


class FrozenMixin:
    def has_change_permission(self, request, obj=None):
        instrument = self.instrument_of(obj) if obj is not None else None
        if instrument is not None and instrument.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "title", "title_es"]
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Instrument)
class InstrumentAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["name", "version", "key", "frozen"]
    inlines = [SectionInline]
    actions = ["make_new_version"]

    def instrument_of(self, obj):
        return obj

    @admin.display(boolean=True, description="in use (frozen)")
    def frozen(self, obj) -> bool:
        return obj.is_frozen

    @admin.action(description="Copy into a new editable version")
    def make_new_version(self, request, queryset):
        for instrument in queryset:
            copy = new_version(instrument)
            self.message_user(request, f"Created {copy}.", messages.SUCCESS)


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("order", "key", "kind", "purpose", "required"),
        ("text", "text_es"),
        ("help", "help_es"),
        "options",
        ("min_value", "max_value"),
    ]

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.instrument.is_frozen

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Section)
class SectionAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["title", "instrument", "order"]
    list_filter = ["instrument"]
    inlines = [QuestionInline]

    def instrument_of(self, obj):
        return obj.instrument


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "unit", "part_of", "order", "active"]
    list_editable = ["order", "active"]
