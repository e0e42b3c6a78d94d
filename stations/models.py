from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.db.models.lookups import Contains
from django.utils.translation import gettext_lazy as _

from .geo import check_position
from .regions import (
    codes_covering,
    prefix_of,
    scope_q,
    validate_region_code,
    validate_region_prefix,
)


class Region(models.Model):
    """A GB/T 2260 administrative division, loaded by `load_regions`; admins may correct names."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        DISTRICT = "district", _("县级")

    code = models.CharField(
        _("区划代码"), max_length=6, primary_key=True, validators=[validate_region_code]
    )
    name = models.CharField(_("名称"), max_length=50)
    full_name = models.CharField(_("全称"), max_length=120, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.full_name or self.name}"

    @property
    def prefix(self) -> str:
        return prefix_of(self.code)


def region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.full_name or region.name if region else code


class Union(models.Model):
    """A trade union (总工会) at some level; its region code defines its coordinators' scope."""

    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(
        _("区划代码"), max_length=6, validators=[validate_region_code], db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("工会")
        verbose_name_plural = _("工会")
        ordering = ["region_code", "name"]

    def __str__(self):
        return self.name

    @property
    def scope(self) -> str:
        return prefix_of(self.region_code)


class Service(models.TextChoices):
    REST = "rest", _("休息")
    WATER = "water", _("饮水")
    CHARGING = "charging", _("充电")
    MICROWAVE = "microwave", _("热饭")
    FIRST_AID = "first_aid", _("急救药箱")
    LEGAL = "legal", _("法律咨询")


class StationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        access = Access.of(user)
        return self.filter(Q(pk__in=access.station_ids) | scope_q("region_code", access.scopes))


class Station(models.Model):
    code = models.CharField(_("驿站编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(
        _("区划代码"), max_length=6, validators=[validate_region_code], db_index=True
    )
    union = models.ForeignKey(
        Union, verbose_name=_("所属工会"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    open_24h = models.BooleanField(_("24 小时开放"), default=False)
    services = models.JSONField(_("服务项目"), default=list, blank=True)
    # Whether `services` lists legal help, kept by the database: the finder filters on
    # it through a partial index (bench/station_finder.py), and there is no second
    # copy of the fact to forget to update.
    legal = models.GeneratedField(
        expression=Contains(Cast("services", models.TextField()), f'"{Service.LEGAL.value}"'),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("有法律服务"),
    )
    active = models.BooleanField(_("启用"), default=True)
    # GCJ-02 (the coordinates Chinese map apps use), in degrees; see stations/geo.py.
    lng = models.FloatField(_("经度（GCJ-02）"), null=True, blank=True)
    lat = models.FloatField(_("纬度（GCJ-02）"), null=True, blank=True)
    mobile = models.BooleanField(
        _("流动驿站"),
        default=False,
        help_text=_("流动服务车等会移动的驿站：本站志愿者可以随时更新位置。"),
    )
    position_updated_at = models.DateTimeField(_("位置更新时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("驿站")
        verbose_name_plural = _("驿站")
        ordering = ["region_code", "code"]
        indexes = [
            # The finder's "near me": a bounding box on latitude, then longitude.
            models.Index(fields=["lat", "lng"], name="station_position"),
            models.Index(
                fields=["lat", "lng"],
                condition=Q(active=True, legal=True),
                name="station_legal_position",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True)
                | Q(lat__isnull=False, lng__isnull=False),
                name="station_position_complete",
                violation_error_message=_("经度和纬度须同时填写或同时留空。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            check_position(self.region_code, self.lng, self.lat)
        except ValidationError as exc:
            raise ValidationError({"lat": exc.messages}) from None

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lng is not None

    @property
    def offers_legal_help(self) -> bool:
        return Service.LEGAL in self.services

    def get_services_display(self) -> str:
        labels = dict(Service.choices)
        return _("、").join(str(labels.get(s, s)) for s in self.services)


class MembershipQuerySet(models.QuerySet):
    def coordinating(self, region_code: str):
        """Active coordinators' and union admins' memberships whose scope contains the code."""
        return self.filter(
            role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
            union__region_code__in=codes_covering(region_code),
            user__is_active=True,
        )


def validate_scope(value: str) -> None:
    """An analyst's region prefix; blank is the whole country."""
    if value:
        validate_region_prefix(value)


class Membership(models.Model):
    """Who works where: a volunteer at a station, a coordinator or admin at a union, an
    analyst (上级工会 / 权益保障部) over a region prefix.

    An analyst's scope is the explicit `scope` prefix, not a union's code: the national
    federation has no GB/T 2260 code, so blank means the whole country. The union, if
    given, only says whose analyst it is. Analysts see statistics only (never a case)."""

    class Role(models.TextChoices):
        VOLUNTEER = "volunteer", _("驿站志愿者")
        COORDINATOR = "coordinator", _("工会协调员")
        ADMIN = "admin", _("工会管理员")
        ANALYST = "analyst", _("统计分析员（上级工会）")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    station = models.ForeignKey(
        Station, verbose_name=_("驿站"), null=True, blank=True, on_delete=models.CASCADE
    )
    union = models.ForeignKey(
        Union, verbose_name=_("工会"), null=True, blank=True, on_delete=models.CASCADE
    )
    scope = models.CharField(
        _("统计范围"),
        max_length=6,
        blank=True,
        validators=[validate_scope],
        help_text=_("仅统计分析员：区划代码前缀，如 11（北京市）、5301（昆明市）；留空为全国。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="volunteer", station__isnull=False, union__isnull=True))
                | (Q(role__in=["coordinator", "admin"], union__isnull=False, station__isnull=True))
                | Q(role="analyst", station__isnull=True),
                name="membership_role_matches_place",
                violation_error_message=_(
                    "志愿者须属于驿站；协调员和管理员须属于工会；统计分析员不属于驿站。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(role="analyst") | Q(scope=""),
                name="membership_scope_only_for_analysts",
                violation_error_message=_("只有统计分析员填写统计范围。"),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "station", "union"], name="membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.station or self.union}"


class Access:
    """What one user may see, computed once per request: station ids and region scopes
    (cases), and the analyst's statistics scopes (aggregates only, never a case)."""

    def __init__(self, station_ids, scopes, roles, analyst_scopes=()):
        self.station_ids = station_ids
        self.scopes = scopes
        self.roles = roles
        self.analyst_scopes = list(analyst_scopes)

    @classmethod
    def of(cls, user):
        cached = getattr(user, "_station_access", None)
        if cached is not None:
            return cached
        station_ids, scopes, roles, analyst_scopes = set(), set(), set(), set()
        if user.is_authenticated:
            for m in Membership.objects.filter(user=user).select_related("union"):
                roles.add(m.role)
                if m.role == Membership.Role.ANALYST:
                    # Never a case scope: an analyst's union gives no access to its cases.
                    analyst_scopes.add(m.scope)
                    continue
                if m.station_id:
                    station_ids.add(m.station_id)
                if m.union_id:
                    scopes.add(m.union.scope)
        access = cls(sorted(station_ids), sorted(scopes), roles, sorted(analyst_scopes))
        user._station_access = access
        return access

    @property
    def is_volunteer(self):
        return Membership.Role.VOLUNTEER in self.roles

    @property
    def is_coordinator(self):
        return bool({Membership.Role.COORDINATOR, Membership.Role.ADMIN} & self.roles)

    @property
    def is_analyst(self):
        return Membership.Role.ANALYST in self.roles

    def covers(self, region_code: str) -> bool:
        return any(region_code.startswith(p) for p in self.scopes)
