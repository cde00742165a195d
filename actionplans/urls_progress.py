"""URLs of the plan's progress pages, under /w/<code>/ in the actionplans namespace."""

from django.urls import path

from actionplans.views import progress

urlpatterns = [
    path("plan/progress/", progress.overview, name="progress"),
    path("plan/progress/steps/<int:step_id>/", progress.step_progress, name="step_progress"),
    path("plan/progress/measures/<int:measure_id>/", progress.measure, name="measure"),
    path(
        "plan/progress/measures/<int:measure_id>/readings/",
        progress.reading_add,
        name="reading_add",
    ),
]
