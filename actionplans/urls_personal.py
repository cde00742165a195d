"""URLs of the plan's personal pages, under /w/<code>/ in the actionplans namespace.

A relationship is named by its place in the caller's own plan (1 to 3): the URL never points
at someone else's plan.
"""

from django.urls import path

from actionplans.views import personal

urlpatterns = [
    path("personal/", personal.my_plan, name="personal"),
    path("personal/add/", personal.relationship_add, name="personal_add"),
    path("personal/<int:order>/", personal.relationship_edit, name="personal_edit"),
    path("personal/<int:order>/remove/", personal.relationship_remove, name="personal_remove"),
    path("personal/share/", personal.share, name="personal_share"),
    path("personal/review/", personal.review, name="personal_review"),
    path("personal/review/date/", personal.review_date, name="personal_review_date"),
    path("personal/shared/<int:plan_id>/", personal.shared_plan, name="personal_shared"),
]
