"""The users of bench/load_test.py: volunteers doing intake, lawyers on their queue and
case pages, coordinators on triage and the statistics, workers on the status page. Each
also requests the bare one-query view (/bench/bare/) as often as one of its pages, so
the floor is measured under the same load. LOAD_CONFIG names a JSON file with the
accounts and ids (written by load_test.py)."""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115
PHONES = itertools.count(1)


class Staff(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self):
        self.client.get("/login/", name="login form")
        self.client.post(
            "/login/",
            {
                "username": CONFIG[self.username],
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="login",
        )

    def post(self, url, data, name):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(url, data, name=name, headers={"Referer": self.host + url})

    @task(1)
    def bare(self):
        self.client.get(f"/bench/bare/?station={CONFIG['station']}", name="bare view")


class Volunteer(Staff):
    weight = 3
    username = "volunteer"

    @task(1)
    def intake(self):
        self.client.get("/cases/intake/", name="intake form")
        n = next(PHONES)
        self.post(
            "/cases/intake/",
            {
                "station": CONFIG["station"],
                "name": "压测劳动者",
                "phone": f"137{random.randrange(10**8):08d}",
                "platform": "meituan",
                "arrangement": "crowd",
                "claims": ["wage"],
                "incident_date": "2026-11-02",
                "facts": f"压测登记 {n}：拖欠工资两个月。",
                "amount_claimed": "8000",
                "evidence": [],
                "consent": "on",
                "parties-TOTAL_FORMS": "0",
                "parties-INITIAL_FORMS": "0",
                "parties-MIN_NUM_FORMS": "0",
                "parties-MAX_NUM_FORMS": "8",
            },
            name="intake submit",
        )


class Lawyer(Staff):
    weight = 3
    username = "lawyer"

    @task(1)
    def queue(self):
        self.client.get("/cases/queue/", name="lawyer queue")

    @task(1)
    def case_page(self):
        number = random.choice(CONFIG["lawyer_cases"])
        self.client.get(f"/cases/{number}/", name="case page")


class Coordinator(Staff):
    weight = 2
    username = "coordinator"

    @task(1)
    def triage(self):
        self.client.get("/cases/triage/", name="triage")

    @task(1)
    def stats(self):
        self.client.get("/stats/", name="stats")


class Worker(HttpUser):
    weight = 2
    wait_time = between(0.5, 1.5)

    def on_start(self):
        # Workers come from many networks: each simulated one has its own address (the
        # server reads X-Real-IP, as behind nginx). One shared address would make every
        # lookup wait for the same StatusAddress row lock.
        self.client.headers["X-Real-IP"] = (
            f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        )

    @task(1)
    def status(self):
        self.client.cookies.clear()
        self.client.get("/status/", name="status page")
        self.client.post(
            "/status/",
            {
                "phone": random.choice(CONFIG["worker_phones"]),
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="status lookup",
        )

    @task(1)
    def bare(self):
        self.client.get(f"/bench/bare/?station={CONFIG['station']}", name="bare view")
