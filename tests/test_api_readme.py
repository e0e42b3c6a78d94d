"""The README's "对接其他系统（API）" examples work: the curl commands run against a
live server (loopback), and the signature recipe gives the signature the server sends."""

import io
import json
import os
import re
import shlex
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from django.core.management import call_command

from api import webhooks
from cases.models import Case
from tests.helpers import make_consent, make_station

README = Path(__file__).resolve().parent.parent / "README.md"


def block(marker: str) -> str:
    text = README.read_text()
    match = re.search(rf"<!-- {marker}:.*?-->\n```sh\n(.*?)```", text, re.S)
    assert match, f"no {marker} block in the README"
    return match.group(1)


def commands(script: str) -> list[str]:
    """Shell commands of a block, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    out, pending = [], ""
    for line in joined.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending = f"{pending}\n{line}" if pending else line
        if pending.count("'") % 2 == 0:  # a quoted JSON body may span lines
            out.append(pending)
            pending = ""
    return out


@pytest.mark.django_db(transaction=True)
def test_the_readmes_curl_examples_run_against_a_live_server(live_server):
    make_consent()
    make_station(code="BJ-110105-001", region_code="110105")
    lines = commands(block("api-curl"))
    create, base, *curls = lines
    # The client is created in this process (the live server's test database).
    argv = shlex.split(re.search(r"\$\((.*?)\|", create).group(1))
    assert argv[:3] == ["python", "manage.py", "create_api_client"]
    out = io.StringIO()
    with redirect_stdout(out):
        call_command(*argv[2:], stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert base.startswith("BASE=")
    env = {**os.environ, "TOKEN": token, "BASE": f"{live_server.url}/api/v1"}
    answers = []
    for command in curls:
        result = subprocess.run(
            ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        answers.append(json.loads(result.stdout))
    opened, subscribed, listed = answers
    assert Case.objects.get().number == opened["number"]
    assert subscribed["secret"].startswith("whsec_")
    assert [c["number"] for c in listed["items"]] == [opened["number"]]
    assert listed["items"][0]["state_label"] == "Received"
    # The same Idempotency-Key again: the same case, not a second one.
    again = subprocess.run(["bash", "-c", curls[0]], env=env, capture_output=True, text=True)
    assert json.loads(again.stdout)["number"] == opened["number"]
    assert Case.objects.count() == 1


def test_the_readmes_signature_recipe_matches_what_the_server_signs():
    secret = webhooks.new_secret()
    body = json.dumps({"type": "case.state_changed", "data": {"case": "110105-2026-00001"}})
    env = {**os.environ, "SECRET": secret, "MSG_ID": "evt_42", "TS": "1764547200", "BODY": body}
    result = subprocess.run(
        ["bash", "-c", block("api-verify")], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "v1," + result.stdout.strip() == webhooks.sign(secret, "evt_42", 1764547200, body)
