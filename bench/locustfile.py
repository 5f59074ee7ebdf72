"""One page under load: ``BENCH_PATH`` with the session cookie or API token given.

``make bench`` runs this once per page with a fixed number of users and a time limit,
all against 127.0.0.1.
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
HEADERS = {}
if os.environ.get("BENCH_SESSION"):
    HEADERS["Cookie"] = f"sessionid={os.environ['BENCH_SESSION']}"
if os.environ.get("BENCH_TOKEN"):
    HEADERS["Authorization"] = f"Bearer {os.environ['BENCH_TOKEN']}"


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        with self.client.get(PATH, headers=HEADERS, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
