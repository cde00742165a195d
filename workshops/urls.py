from django.urls import path

from workshops import views

app_name = "workshops"
urlpatterns = [
    path("<uuid:code>/", views.detail, name="detail"),
    path("<uuid:code>/people/", views.people, name="people"),
    path("<uuid:code>/people/<int:member_id>/send-link/", views.send_link, name="send_link"),
]
