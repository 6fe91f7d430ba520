from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("messages/", views.preferences, name="preferences"),
    path("messages/<str:token>/", views.preferences_token, name="preferences_token"),
]
