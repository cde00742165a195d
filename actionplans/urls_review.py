"""URLs of the plan's review and versions, under /w/<code>/ in the actionplans namespace.

Versions are ``plan/v<number>/`` rather than ``plan/versions/<number>/``, which the plan items'
``plan/<kind>/<id>/`` would take.
"""

from django.urls import path

from actionplans.views import review, versions

urlpatterns = [
    # Review by the state team
    path("plan/review/", review.review_page, name="review"),
    path("plan/review/submit/", review.submit, name="review_submit"),
    path("plan/review/withdraw/", review.withdraw, name="review_withdraw"),
    path("plan/review/decide/", review.decide, name="review_decide"),
    path("plan/review/comment/", review.comment, name="review_comment"),
    path("plan/review/comments/<int:comment_id>/answer/", review.answer, name="review_answer"),
    path(
        "plan/review/comments/<int:comment_id>/resolve/",
        review.resolve,
        name="review_resolve",
    ),
    path(
        "plan/review/submissions/<int:number>/pdf/",
        review.submission_pdf,
        name="review_pdf",
    ),
    # Versions of the plan
    path("plan/versions/", versions.version_list, name="versions"),
    path("plan/versions/new/", versions.revise, name="revise"),
    path("plan/versions/compare/", versions.compare, name="compare"),
    path("plan/v<int:number>/", versions.version, name="version"),
]
