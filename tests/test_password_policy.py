"""The staff password policy: Django's validators plus letters-and-digits, each with a
Chinese message (Django's own catalogue lacks some), used by the password page."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import SecurityEvent
from tests.helpers import PASSWORD, login, make_user


def messages_for(password, user=None, language="zh-hans"):
    with translation.override(language):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return exc.messages
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("ab12", "密码太短，至少需要 10 个字符。"),
        ("password123", "这个密码太常见，容易被猜到，请换一个。"),
        ("3141592653589", "密码不能全是数字。"),
        ("onlyletters-here", "密码须同时包含字母和数字。"),
        ("wangxiaoming2026", "密码与用户名太相似。"),
    ],
)
def test_each_rule_speaks_chinese(password, message):
    user = make_user("wangxiaoming2026")
    assert message in messages_for(password, user)


@pytest.mark.django_db
def test_a_good_password_passes_every_rule():
    assert messages_for("Yizhan-station-7x", make_user()) == []


@pytest.mark.django_db
def test_the_rules_read_in_english_too():
    assert "at least 10 characters" in " ".join(messages_for("ab12", language="en"))


@pytest.mark.django_db
def test_the_password_page_shows_the_rule_at_the_field_and_keeps_the_old_password(client):
    user = make_user()
    login(client, user)
    response = client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "密码太短，至少需要 10 个字符。" in html and "须同时包含字母和数字" in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_changing_the_password_is_logged_and_keeps_the_session(client):
    user = make_user()
    login(client, user)
    response = client.post(
        reverse("accounts:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Yizhan-station-7x",
            "new_password2": "Yizhan-station-7x",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Yizhan-station-7x")
    assert client.get(reverse("accounts:security")).status_code == 200
    assert SecurityEvent.objects.filter(kind="password_changed", user=user).count() == 1
