"""Who may do what with sessions and enrolments.

A trainer manages the sessions of the courses they are assigned to (CoursePage.trainers, set by
editors) and only those; editors and administrators (permission `training.manage_all_sessions`)
manage every session. Wagtail's ModelPermissionPolicy only knows model permissions, so these
policies add the per-object rule, and the admin views (viewsets.py) ask them for every object."""

from wagtail.permission_policies import ModelPermissionPolicy

MANAGE_ALL = "training.manage_all_sessions"
LINK_MEMBER = "training.link_member"


def manages_all_sessions(user) -> bool:
    return user.is_active and user.has_perm(MANAGE_ALL)


def is_assigned(user, course) -> bool:
    return course.trainers.filter(pk=user.pk).exists()


class CourseSessionPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return manages_all_sessions(user) or is_assigned(user, instance.course)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if manages_all_sessions(user):
            return queryset
        return queryset.filter(course__trainers=user).distinct()


class EnrolmentPermissionPolicy(ModelPermissionPolicy):
    """Trainers see the enrolments of their own sessions; staff who match enrolments to the
    registry (`training.link_member`) and session managers see all."""

    def _sees_all(self, user) -> bool:
        return manages_all_sessions(user) or user.has_perm(LINK_MEMBER)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self._sees_all(user) or is_assigned(user, instance.session.course)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if self._sees_all(user):
            return queryset
        return queryset.filter(session__course__trainers=user).distinct()
