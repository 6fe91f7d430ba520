from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .viewsets import TrainingViewSetGroup


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingViewSetGroup()


class FiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("training.view_enrolment")


@hooks.register("register_reports_menu_item")
def register_figures_report():
    return FiguresMenuItem(_("Training figures"), reverse("training_enrolments:figures"), icon_name="table", order=700)


@hooks.register("sahakum_home_sections")
def upcoming_sessions_section(request):
    from .sections import upcoming_sessions_html

    return upcoming_sessions_html(request)


@hooks.register("sahakum_search_results")
def course_search_results(request, segmented_query):
    from .sections import course_search

    return course_search(request, segmented_query)
