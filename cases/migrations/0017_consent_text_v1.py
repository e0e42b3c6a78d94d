"""The consent text (个人信息告知同意书) ships with the app: a fresh production install
can register its first case without anyone writing one (issue 22). Version 1.0 in
Chinese, the text in force, and in English. An install that already has a current
version keeps it; an existing 1.0 (the demo's) gets the English text added."""

from django.db import migrations, models

VERSION = "1.0"

TEXT = """个人信息处理告知同意书（v1.0）
为向您提供法律援助服务，工会驿站及其委托的志愿律师需要处理您的姓名、手机号、身份证号、
工作情况及与纠纷有关的材料，其中身份证号、伤情、收入等属于敏感个人信息。
我们仅为办理您的求助使用这些信息，只向承办律师及必要的法律援助机构、仲裁机构、法院提供，
案件归档后按规定期限保存并删除。您可以随时查询、更正或要求删除您的信息，也可以撤回同意，
撤回不影响撤回前已进行的处理。依据：《中华人民共和国个人信息保护法》第十三条、第十七条、第二十九条。"""

TEXT_EN = """Notice and consent on the handling of personal information (v1.0)
To give you legal aid, the trade union station and the volunteer lawyers it engages need to
handle your name, mobile number, ID number, work details and the materials about your dispute;
your ID number, injuries and income are sensitive personal information.
We use this information only to handle your request and share it only with the lawyer on your
case and, where needed, legal aid bodies, arbitration commissions and courts. After the case is
archived it is kept for the prescribed period and then deleted. You may at any time see, correct
or ask us to delete your information, and you may withdraw your consent; withdrawing does not
affect handling that took place before. Basis: Personal Information Protection Law of the
People's Republic of China, articles 13, 17 and 29. The Chinese text is the one in force."""


def ship_consent(apps, schema_editor):
    ConsentText = apps.get_model("cases", "ConsentText")
    existing = ConsentText.objects.filter(version=VERSION).first()
    if existing is not None:
        if not existing.text_en and existing.text == TEXT:
            existing.text_en = TEXT_EN
            existing.save(update_fields=["text_en"])
        return
    active = not ConsentText.objects.filter(active=True).exists()
    ConsentText.objects.create(version=VERSION, text=TEXT, text_en=TEXT_EN, active=active)


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_deadline_binds_union")]

    operations = [
        migrations.AddField(
            model_name="consenttext",
            name="text_en",
            field=models.TextField(blank=True, verbose_name="英文文本"),
        ),
        migrations.RunPython(ship_consent, migrations.RunPython.noop),
    ]
