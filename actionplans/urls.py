from django.urls import include, path

from actionplans.views import documents, gaps, plan, trail, voting

app_name = "actionplans"
urlpatterns = [
    # Gaps and opportunities, with their evidence
    path("<uuid:code>/gaps/", gaps.gap_list, name="gaps"),
    path("<uuid:code>/gaps/new/", gaps.gap_new, name="gap_new"),
    path("<uuid:code>/gaps/unaddressed/", trail.unaddressed, name="unaddressed"),
    path("<uuid:code>/gaps/<int:gap_id>/", gaps.gap_detail, name="gap"),
    path("<uuid:code>/gaps/<int:gap_id>/edit/", gaps.gap_edit, name="gap_edit"),
    path("<uuid:code>/gaps/<int:gap_id>/merge/", gaps.gap_merge, name="gap_merge"),
    path("<uuid:code>/gaps/<int:gap_id>/evidence/", gaps.evidence_add, name="evidence_add"),
    path(
        "<uuid:code>/gaps/<int:gap_id>/evidence/<int:evidence_id>/remove/",
        gaps.evidence_remove,
        name="evidence_remove",
    ),
    # Dot voting and priority areas
    path("<uuid:code>/voting/", voting.board, name="voting"),
    path("<uuid:code>/voting/poll/", voting.poll, name="voting_poll"),
    path("<uuid:code>/voting/dot/", voting.dot, name="dot"),
    path("<uuid:code>/voting/control/", voting.control, name="voting_control"),
    path("<uuid:code>/priorities/", voting.priorities, name="priorities"),
    path("<uuid:code>/priorities/promote/", voting.promote, name="promote"),
    path("<uuid:code>/priorities/<int:priority_id>/", voting.priority_edit, name="priority_edit"),
    # The action plan
    path("<uuid:code>/plan/", plan.outline, name="plan"),
    path("<uuid:code>/plan/add/<str:kind>/", plan.item_add, name="item_add"),
    path("<uuid:code>/plan/<str:kind>/<int:item_id>/", plan.item_edit, name="item_edit"),
    path("<uuid:code>/plan/<str:kind>/<int:item_id>/remove/", plan.item_remove, name="item_remove"),
    path("<uuid:code>/plan/<str:kind>/<int:item_id>/move/", plan.item_move, name="item_move"),
    path(
        "<uuid:code>/plan/<str:kind>/<int:item_id>/history/",
        plan.item_history,
        name="item_history",
    ),
    path("<uuid:code>/plan/steps/<int:step_id>/why/", trail.why, name="why"),
    path("<uuid:code>/plan/timeline/", trail.timeline, name="timeline"),
    path("<uuid:code>/plan/timeline.svg", trail.timeline_svg, name="timeline_svg"),
    # The plan as a PDF: asked for, made in the background, stored until the plan changes
    path("<uuid:code>/plan/pdf/", documents.pdf_page, name="pdf"),
    path("<uuid:code>/plan/pdf/make/", documents.pdf_request, name="pdf_request"),
    path("<uuid:code>/plan/pdf/status/", documents.pdf_status, name="pdf_status"),
    path("<uuid:code>/plan/pdf/preview/", documents.pdf_preview, name="pdf_preview"),
    path(
        "<uuid:code>/plan/pdf/<int:document_id>/<str:filename>",
        documents.pdf_download,
        name="pdf_download",
    ),
    # Values and principles: where the county stands
    path("<uuid:code>/principles/", plan.principles, name="principles"),
    path("<uuid:code>/principles/<int:principle_id>/", plan.stance_edit, name="stance_edit"),
    # Review by the state team, implementation progress, personal action plans (issue 8)
    path("<uuid:code>/", include("actionplans.urls_review")),
    path("<uuid:code>/", include("actionplans.urls_progress")),
    path("<uuid:code>/", include("actionplans.urls_personal")),
]
