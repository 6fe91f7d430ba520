from django.urls import path

from . import views

app_name = "training"

# Under the Skills Center's page path, before Wagtail's catch-all (cms/urls.py).
urlpatterns = [
    path("skills-center/enrol/<int:session_id>/", views.enrol, name="enrol"),
    path("skills-center/enrolment/<str:token>/", views.enrolment_detail, name="enrolment"),
    path("skills-center/enrolment/<str:token>/withdraw/", views.enrolment_withdraw, name="withdraw"),
    path("skills-center/verify/", views.verify, name="verify_lookup"),
    path("skills-center/verify/<str:code>/", views.verify, name="verify"),
    path("skills-center/calendar.ics", views.calendar_all, name="calendar"),
    path("skills-center/calendar/<int:course_id>.ics", views.calendar_course, name="course_calendar"),
]
