"""One page under load: ``BENCH_PATH`` with the session cookie or API token given.

``make bench`` runs this for each page with a fixed number of users and a time limit, all
against 127.0.0.1: once with no pause between requests, once with each user paced.
"""

import os

from locust import FastHttpUser, between, constant, task

PATH = os.environ["BENCH_PATH"]
HEADERS = {}
if os.environ.get("BENCH_SESSION"):
    HEADERS["Cookie"] = f"sessionid={os.environ['BENCH_SESSION']}"
if os.environ.get("BENCH_TOKEN"):
    HEADERS["Authorization"] = f"Bearer {os.environ['BENCH_TOKEN']}"


#: A user's average pause in seconds between an answer and their next request, drawn at
#: random from 0 to twice this, so that 50 users do not all ask at the same moment as they
#: would with a fixed pace. 0 (the default) sends the next request as soon as the last is
#: answered, which measures capacity rather than what a person waits for.
PACING = float(os.environ.get("BENCH_PACING") or 0)


class Visitor(FastHttpUser):
    wait_time = between(0, 2 * PACING) if PACING else constant(0)

    @task
    def page(self) -> None:
        with self.client.get(PATH, headers=HEADERS, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
