from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from socplan import probes, views
from workshops.access import public
from workshops.views import content

admin.site.site_header = "socplan administration"
admin.site.site_title = "socplan admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", probes.health, name="health"),
    path("favicon.ico", probes.favicon, name="favicon"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("join/<uuid:code>/", views.magic_link, name="magic_link"),
    path("join/<uuid:code>/new-link/", views.new_magic_link, name="new_magic_link"),
    path("w/", include("workshops.urls")),
    path("w/", include("assessments.urls")),
    path("w/", include("actionplans.urls")),
    path("state/", include("workshops.urls_state")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("framework/", content.framework, name="framework"),
    path("admin/", admin.site.urls),
]

if settings.BENCH_VIEW:
    urlpatterns.append(path("bench/bare/", probes.bare))

handler500 = "socplan.errors.server_error"
