"""Course pages are moderated: trainers may add and edit them and submit them for moderation;
only editors publish. This is Wagtail's own machinery — page permissions for the Trainer group on
the Skills Center page (no publish permission), and a workflow there whose single task needs
an Editor's approval.

The Skills Center page does not exist when migrations run on a fresh database, so this runs from
`seed_demo` (training/demo.py) and from `manage.py training_moderation` for a site built by hand.
Idempotent."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from accounts import roles

from .models import CourseIndexPage

WORKFLOW_NAME = "Course review"
TASK_NAME = "Editor approval"
TRAINER_PAGE_PERMISSIONS = ["add_page", "change_page"]


def ensure_course_moderation() -> Workflow:
    trainers = Group.objects.get(name=roles.TRAINER)
    editors = Group.objects.get(name=roles.EDITOR)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(editors)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index_page in CourseIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=trainers, page=index_page, permission=permission)
    return workflow
