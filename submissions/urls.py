"""The submission form's addresses. Mounted by the project at `submit/`."""

from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.SubmissionCreateView.as_view(), name="submit"),
    path("thanks/", views.SubmissionThanksView.as_view(), name="thanks"),
    path("files/<int:pk>/", views.file_download, name="file-download"),
]
