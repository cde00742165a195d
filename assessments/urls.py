from django.urls import path

from assessments.views import completion, datatable, exports, maps, results, survey

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
    # The system of care map
    path("<uuid:code>/map/", maps.map_page, name="map"),
    path("<uuid:code>/map/poll/", maps.map_poll, name="map_poll"),
    path("<uuid:code>/map/map.<str:fmt>", maps.map_download, name="map_download"),
    path("<uuid:code>/map/start/", maps.map_start, name="map_start"),
    path("<uuid:code>/map/nodes/new/", maps.map_node_new, name="map_node_new"),
    path("<uuid:code>/map/nodes/<int:node_id>/", maps.map_node, name="map_node"),
    path(
        "<uuid:code>/map/nodes/<int:node_id>/remove/",
        maps.map_node_remove,
        name="map_node_remove",
    ),
    path("<uuid:code>/map/links/new/", maps.map_link_new, name="map_link_new"),
    path("<uuid:code>/map/links/<int:link_id>/", maps.map_link, name="map_link"),
    path(
        "<uuid:code>/map/links/<int:link_id>/remove/",
        maps.map_link_remove,
        name="map_link_remove",
    ),
    path(
        "<uuid:code>/map/suggestions/<str:kind>/<int:item_id>/",
        maps.map_suggestion,
        name="map_suggestion",
    ),
]
