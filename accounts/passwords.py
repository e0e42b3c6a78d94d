"""The staff password policy: Django's validators, with our own Chinese-first messages
(Django's Simplified Chinese catalogue lacks some, e.g. the minimum length), and one
more rule, letters and digits both, for the complexity 等保 2.0 asks of passwords."""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("密码与%(verbose_name)s太相似。")

    def get_help_text(self):
        return _("不能与用户名、姓名或邮箱相似。")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return _("这个密码太常见，容易被猜到，请换一个。")

    def get_help_text(self):
        return _("不能是常见密码。")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("密码不能全是数字。")

    def get_help_text(self):
        return _("不能全是数字。")


class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not (any(ch.isalpha() for ch in password) and any(ch.isdigit() for ch in password)):
            raise ValidationError(
                _("密码须同时包含字母和数字。"), code="password_letters_and_digits"
            )

    def get_help_text(self):
        return _("须同时包含字母和数字。")
