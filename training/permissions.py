"""Who may do what with sessions and enrolments (Wagtail permission policies, registered in
apps.py; the admin viewsets, the roster and the figures all ask them).

A trainer manages the sessions of the courses they are assigned to (CoursePage.trainers, set by
editors) and only those; editors and administrators (permission `training.manage_all_sessions`)
manage every session. Enrolments follow their session, except that staff who match enrolments
to the registry (`training.link_member`) see them all."""

from accounts.permissions import ScopedModelPermissionPolicy

MANAGE_ALL = "training.manage_all_sessions"
LINK_MEMBER = "training.link_member"


def manages_all_sessions(user) -> bool:
    return user.is_active and user.has_perm(MANAGE_ALL)


class CourseSessionPermissionPolicy(ScopedModelPermissionPolicy):
    def scope(self, user, queryset):
        if manages_all_sessions(user):
            return queryset
        return queryset.filter(course__trainers=user).distinct()


class EnrolmentPermissionPolicy(ScopedModelPermissionPolicy):
    def scope(self, user, queryset):
        if manages_all_sessions(user) or user.has_perm(LINK_MEMBER):
            return queryset
        return queryset.filter(session__course__trainers=user).distinct()


def register_policies() -> None:
    from wagtail.permissions import register_permission_policy

    from .models import CourseSession, Enrolment

    register_permission_policy(CourseSession, CourseSessionPermissionPolicy(CourseSession))
    register_permission_policy(Enrolment, EnrolmentPermissionPolicy(Enrolment))
