"""What a new installation still needs before its first case can be registered and
handled (issue 22): shown to a superuser on the home page until everything is there.

A fresh production install has the consent text (cases migration 0016) and nothing else:
the unions, their stations, the staff with their roles and the lawyers are the site's own
data, entered in the back office (or with `manage.py import_stations`)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import ConsentText
from lawyers.models import Lawyer
from stations.models import Membership, Station, Union


@dataclass(frozen=True)
class Step:
    label: str
    help: str
    done: bool
    url: str


def setup_steps() -> list[Step]:
    roles = set(Membership.objects.values_list("role", flat=True).distinct())
    return [
        Step(
            _("个人信息告知同意书"),
            _("登记求助前须向劳动者告知并取得同意；没有当前版本时不能登记。"),
            ConsentText.current() is not None,
            reverse("admin:cases_consenttext_changelist"),
        ),
        Step(
            _("工会"),
            _("办理案件的各级工会及其行政区划代码。"),
            Union.objects.exists(),
            reverse("admin:stations_union_changelist"),
        ),
        Step(
            _("驿站"),
            _("登记求助的驿站；可用 manage.py import_stations 从表格导入。"),
            Station.objects.exists(),
            reverse("admin:stations_station_changelist"),
        ),
        Step(
            _("工作人员及其岗位"),
            _("至少一名驿站志愿者（登记）和一名工会协调员（审核、指派）。"),
            {Membership.Role.VOLUNTEER, Membership.Role.COORDINATOR} <= roles,
            reverse("admin:stations_membership_changelist"),
        ),
        Step(
            _("律师"),
            _("承办案件的在册律师及其服务地区。"),
            Lawyer.objects.filter(active=True).exists(),
            reverse("admin:lawyers_lawyer_changelist"),
        ),
    ]
