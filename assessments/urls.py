from django.urls import path

from assessments.views import completion, datatable, exports, results, survey

app_name = "assessments"
urlpatterns = [
    # The participant's survey
    path("<uuid:code>/survey/", survey.survey_start, name="survey"),
    path("<uuid:code>/survey/<int:number>/", survey.survey_section, name="survey_section"),
    path("<uuid:code>/survey/answer/", survey.survey_answer, name="survey_answer"),
    path("<uuid:code>/survey/review/", survey.survey_review, name="survey_review"),
    path("<uuid:code>/survey/submit/", survey.survey_submit, name="survey_submit"),
    # The Administrative Data Table
    path("<uuid:code>/data/", datatable.data_row, name="data_row"),
    path("<uuid:code>/data/table/", datatable.data_table, name="data_table"),
    path("<uuid:code>/data/<int:member_id>/", datatable.data_row_for, name="data_row_for"),
    # Completion tracking and reminders
    path("<uuid:code>/assessment/", completion.completion, name="completion"),
    path("<uuid:code>/assessment/remind/", completion.remind_all, name="remind_all"),
    path("<uuid:code>/assessment/remind/<int:member_id>/", completion.remind, name="remind"),
    path("<uuid:code>/assessment/close/", completion.survey_close, name="survey_close"),
    # Results and exports
    path("<uuid:code>/results/", results.results, name="results"),
    path(
        "<uuid:code>/results/responses.<str:fmt>",
        exports.export_responses,
        name="export_responses",
    ),
    path("<uuid:code>/results/data-table.<str:fmt>", exports.export_data, name="export_data"),
]
