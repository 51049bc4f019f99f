"""The returns pages (included by parcels.urls, under its ``returns`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_returns, name="mine"),
    path("<int:parcel_id>/<int:year>/<int:quarter>/", views.return_edit, name="edit"),
    path("<int:parcel_id>/<int:year>/<int:quarter>/upload/", views.return_upload, name="upload"),
    path("<int:parcel_id>/<int:year>/<int:quarter>/upload/<uuid:pk>/", views.upload_preview, name="upload_preview"),
    path("<int:parcel_id>/<int:year>/<int:quarter>/open/", views.open_revision, name="open_revision"),
    path("<int:parcel_id>/<int:year>/<int:quarter>/template.xlsx", views.return_template, name="template"),
    path("upload/marked.xlsx", views.marked_upload, name="marked_upload"),
    path("review/", views.review_list, name="review"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("status/", views.status_grid, name="status"),
    path("<int:pk>/history/", views.return_history, name="history"),
]
