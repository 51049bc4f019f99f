"""The plan editor's addresses, under /planning/ (indicators.urls includes them)."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_copy, name="copy"),
    path("upload/", views.plan_upload, name="upload"),
    path("<plan:plan>/", views.plan_edit, name="plan"),
    path("<plan:plan>/indicators/new/", views.indicator_edit, name="indicator_new"),
    path("<plan:plan>/indicators/<str:code>/", views.indicator_edit, name="indicator"),
    path("<plan:plan>/indicators/<str:code>/drop/", views.indicator_drop, name="indicator_drop"),
    path("<plan:plan>/formula.json", views.formula_check, name="formula"),
    path("<plan:plan>/elements/new/", views.element_new, name="element_new"),
    path("<plan:plan>/check/", views.plan_check, name="check"),
    path("<plan:plan>/history/", views.plan_history, name="history"),
]
