import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts import phone as phones
from networks.models import Village

from .models import WEEKDAYS, CoursePage, CourseSession, Gender
from .permissions import manages_all_sessions


class CourseSessionAdminForm(WagtailAdminModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("class days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CourseSession
        fields = [
            "course",
            "trainers",
            "venue_village",
            "venue_name",
            "start_date",
            "end_date",
            "weekdays",
            "start_time",
            "end_time",
            "capacity",
            "enrolment_opens",
            "enrolment_closes",
            "language",
            "status",
        ]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = self.instance.weekday_numbers
        courses = CoursePage.objects.filter(locale__language_code="km").order_by("title")
        if for_user is not None and not manages_all_sessions(for_user):
            # A trainer schedules only the courses they are assigned to.
            courses = courses.filter(trainers=for_user)
        self.fields["course"].queryset = courses

    def clean_weekdays(self):
        return ",".join(str(day) for day in sorted(self.cleaned_data["weekdays"]))

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.pk:
            stored = CourseSession.objects.get(pk=self.instance.pk)
            stored.set_status(status)  # raises ValidationError on a transition the model refuses
        return status

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            taken = self.instance.enrolments.holding_seat().count()
            if capacity < taken:
                raise forms.ValidationError(
                    _("%(taken)s people already hold a seat; the capacity cannot be lower.") % {"taken": taken}
                )
        return capacity


class EnrolmentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=120)
    phone = phones.PhoneFormField(
        label=_("Phone number"),
        help_text=_("We call or text you on this number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    age = forms.IntegerField(label=_("Age"), min_value=10, max_value=100)
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("Another village"),
        help_text=_("Villages near the venue; choose “Another village” if yours is not listed."),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)

    def __init__(self, *args, session=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            # The venue's district: a short list that loads fast on a phone.
            self.fields["village"].queryset = Village.objects.filter(
                commune__district_id=session.venue_village.commune.district_id
            ).order_by("name_km")
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.update(
                {"name": user.get_full_name() or user.username, "phone": user.phone, "email": user.email}
            )


class AttendanceDayForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Class day"), coerce=datetime.date.fromisoformat)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(day.isoformat(), day.strftime("%a %d %b %Y")) for day in session.class_days()]
