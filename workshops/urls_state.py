"""The state SOC team's pages across the counties of a state: /state/<state code>/..."""

from django.urls import path

from workshops.views import state

app_name = "state"
urlpatterns = [
    path("<str:code>/", state.dashboard, name="dashboard"),
    path("<str:code>/counties.csv", state.counties_csv, name="counties_csv"),
]
