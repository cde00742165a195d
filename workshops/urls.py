from django.urls import path

from workshops.views import dashboard, meetings, roster, runner, sessions, workshop

app_name = "workshops"
urlpatterns = [
    path("new/", workshop.new, name="new"),
    path("<uuid:code>/", dashboard.detail, name="detail"),
    path("<uuid:code>/edit/", workshop.edit, name="edit"),
    path("<uuid:code>/team/", workshop.team, name="team"),
    path("<uuid:code>/team/<int:member_id>/remove/", workshop.team_remove, name="team_remove"),
    path("<uuid:code>/stage/", workshop.stage, name="stage"),
    # Planning-committee meetings
    path("<uuid:code>/meetings/", meetings.meeting_list, name="meetings"),
    path("<uuid:code>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("<uuid:code>/meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    # Format, sessions, calendars, debriefs
    path("<uuid:code>/format/", sessions.format_choice, name="format"),
    path("<uuid:code>/sessions/", sessions.session_list, name="sessions"),
    path("<uuid:code>/sessions/calendar.ics", sessions.series_ics, name="series_ics"),
    path("<uuid:code>/sessions/<int:number>/", sessions.session_detail, name="session"),
    path("<uuid:code>/sessions/<int:number>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "<uuid:code>/sessions/<int:number>/calendar.ics", sessions.session_ics, name="session_ics"
    ),
    path("<uuid:code>/sessions/<int:number>/debrief/", sessions.debrief, name="debrief"),
    # Roster and invitations
    path("<uuid:code>/roster/", roster.roster, name="roster"),
    path("<uuid:code>/roster/add/", roster.roster_add, name="roster_add"),
    path("<uuid:code>/roster/import/", roster.roster_import, name="roster_import"),
    path("<uuid:code>/roster/invite/", roster.invite_all, name="invite_all"),
    path("<uuid:code>/roster/<int:member_id>/", roster.roster_edit, name="roster_edit"),
    path("<uuid:code>/roster/<int:member_id>/invite/", roster.invite, name="invite"),
    # Live session runner
    path("<uuid:code>/sessions/<int:number>/run/", runner.runner, name="runner"),
    path("<uuid:code>/sessions/<int:number>/run/move/", runner.runner_move, name="runner_move"),
    path("<uuid:code>/live/", runner.live, name="live"),
    path("<uuid:code>/live/poll/", runner.live_poll, name="live_poll"),
]
