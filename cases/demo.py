"""The demo world that `make run` loads (`manage.py seed_demo`). Idempotent: a second
run changes nothing; `--reset` deletes the demo cases and builds them again.

Demo passwords exist only here and only for the demo accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from lawyers.models import ClaimType, Lawyer, ServiceRegion
from stations.models import Membership, Service, Station, Union

from .models import ConsentText

DEMO_PASSWORD = "demo12345"

CONSENT_V1 = """个人信息处理告知同意书（v1.0）
为向您提供法律援助服务，工会驿站及其委托的志愿律师需要处理您的姓名、手机号、身份证号、
工作情况及与纠纷有关的材料，其中身份证号、伤情、收入等属于敏感个人信息。
我们仅为办理您的求助使用这些信息，只向承办律师及必要的法律援助机构、仲裁机构、法院提供，
案件归档后按规定期限保存并删除。您可以随时查询、更正或要求删除您的信息，也可以撤回同意，
撤回不影响撤回前已进行的处理。依据：《中华人民共和国个人信息保护法》第十三条、第十七条、第二十九条。"""

UNIONS = [
    # name, region code, parent name, phone
    ("北京市总工会", "110000", None, "010-12351"),
    ("北京市朝阳区总工会", "110105", "北京市总工会", "010-65099123"),
    ("云南省总工会", "530000", None, "0871-12351"),
    ("昆明市总工会", "530100", "云南省总工会", "0871-63135012"),
    ("昆明市盘龙区总工会", "530103", "昆明市总工会", "0871-65613012"),
]

STATIONS = [
    # code, name, region, union, address, phone, hours, 24h
    (
        "BJ-110105-001",
        "望京骑迹工会驿站",
        "110105",
        "北京市朝阳区总工会",
        "北京市朝阳区望京街道阜通东大街6号",
        "010-64701234",
        "08:00-22:00",
        False,
    ),
    (
        "BJ-110105-002",
        "三里屯快递小哥之家",
        "110105",
        "北京市朝阳区总工会",
        "北京市朝阳区三里屯路19号",
        "010-64165678",
        "",
        True,
    ),
    (
        "KM-530103-001",
        "盘龙区北京路新就业形态劳动者驿站",
        "530103",
        "昆明市盘龙区总工会",
        "云南省昆明市盘龙区北京路1079号",
        "0871-65012345",
        "09:00-21:00",
        False,
    ),
    (
        "KM-530103-002",
        "茨坝街道骑手温馨驿站",
        "530103",
        "昆明市盘龙区总工会",
        "云南省昆明市盘龙区茨坝街道龙泉路868号",
        "0871-65106789",
        "",
        True,
    ),
]

STAFF = [
    # username, full name, role, place name
    ("volunteer", "刘芳", Membership.Role.VOLUNTEER, "望京骑迹工会驿站"),
    ("coordinator", "周建国", Membership.Role.COORDINATOR, "北京市朝阳区总工会"),
    ("volunteer2", "杨丽", Membership.Role.VOLUNTEER, "盘龙区北京路新就业形态劳动者驿站"),
    ("coordinator2", "段志强", Membership.Role.COORDINATOR, "昆明市盘龙区总工会"),
]

LAWYERS = [
    # username, name, license, firm, phone, specialties, regions, capacity
    (
        "lawyer",
        "张明",
        "11101201810234567",
        "北京市京师律师事务所",
        "13901012345",
        [ClaimType.INJURY, ClaimType.OCCUPATIONAL, ClaimType.TORT],
        ["1101"],
        8,
    ),
    (
        "lawyer2",
        "李娜",
        "15301201910345678",
        "云南八谦律师事务所",
        "13908712345",
        [ClaimType.WAGE, ClaimType.LABOR, ClaimType.INJURY],
        ["530103"],
        6,
    ),
    (
        "lawyer3",
        "王强",
        "11101201510456789",
        "北京市盈科律师事务所",
        "13801023456",
        [ClaimType.WAGE, ClaimType.LABOR],
        ["110105"],
        5,
    ),
    (
        "lawyer4",
        "赵敏",
        "15301201710567890",
        "云南天外天律师事务所",
        "13987123456",
        [ClaimType.INJURY, ClaimType.OCCUPATIONAL, ClaimType.TORT],
        ["53"],
        10,
    ),
    (
        "lawyer5",
        "陈思远",
        "11101202010678901",
        "北京市中伦文德律师事务所",
        "13601034567",
        [ClaimType.TORT, ClaimType.INJURY, ClaimType.WAGE],
        ["11"],
        4,
    ),
]


def _user(username, full_name, *, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_structure() -> None:
    ConsentText.objects.get_or_create(version="1.0", defaults={"text": CONSENT_V1, "active": True})
    _user("admin", "系统管理员", superuser=True)
    unions = {}
    for name, code, parent, phone in UNIONS:
        unions[name], _created = Union.objects.get_or_create(
            name=name, defaults={"region_code": code, "parent": unions.get(parent), "phone": phone}
        )
    stations = {}
    for code, name, region, union, address, phone, hours, open_24h in STATIONS:
        stations[name], _created = Station.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "region_code": region,
                "union": unions[union],
                "address": address,
                "phone": phone,
                "opening_hours": hours,
                "open_24h": open_24h,
                "services": [Service.REST, Service.WATER, Service.CHARGING, Service.LEGAL],
            },
        )
    for username, full_name, role, place in STAFF:
        user = _user(username, full_name)
        place_field = {"station": stations.get(place), "union": unions.get(place)}
        Membership.objects.get_or_create(user=user, role=role, **place_field)
    for username, name, license_no, firm, phone, specialties, regions, capacity in LAWYERS:
        user = _user(username, name)
        lawyer, _created = Lawyer.objects.get_or_create(
            user=user,
            defaults={
                "name": name,
                "license_number": license_no,
                "firm": firm,
                "phone": phone,
                "specialties": specialties,
                "capacity": capacity,
                "email": f"{username}@example.org",
            },
        )
        for prefix in regions:
            ServiceRegion.objects.get_or_create(lawyer=lawyer, prefix=prefix)


def seed(reset: bool = False) -> None:
    seed_structure()
