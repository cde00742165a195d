"""Participants' phones during a live session: poll the live screen, answer the survey, vote.

Each simulated person is one signed-in participant of ``world.build`` (read from the JSON file
named by ``LOAD_PEOPLE``). A person sends one request at a time, so what the server last
acknowledged is what the database must hold: every acknowledged answer and dot is recorded and
written to ``LOAD_EXPECTED`` when the run stops, for ``run.py`` to compare with the database.
A dot is only added while the person has one left and only taken back from a gap that holds
one, so the server has no reason to refuse any: a refusal counts as a failure.
"""

import itertools
import json
import os
import re
import secrets
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, between, events, task

PEOPLE = json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text())["people"]
EXPECTED = Path(os.environ["LOAD_EXPECTED"])
LIVE_VERSION = re.compile(rb"live/poll/\?v=([^\"&]*)")
BOARD_VERSION = re.compile(rb"voting/poll/\?v=([^\"&]*)")
_seats = itertools.count()
_everyone: list["Participant"] = []


class Participant(FastHttpUser):
    wait_time = between(1, 3)  # a phone polls every 2 to 3 seconds; people act in between

    def on_start(self) -> None:
        self.me = PEOPLE[next(_seats) % len(PEOPLE)]
        self.base = f"/w/{self.me['workshop']}"
        self.headers = {
            "Cookie": f"sessionid={self.me['session']}; csrftoken={self.me['csrf']}",
            "X-CSRFToken": self.me["csrf"],
            "HX-Request": "true",
            "Referer": f"{self.host}{self.base}/live/",
        }
        self.version = self.board_version = ""
        self.answers: dict[str, str] = {}
        self.dots: Counter[int] = Counter()
        _everyone.append(self)

    @task(6)
    def poll(self) -> None:
        content = self.poll_once(f"live/poll/?v={self.version}", "live poll")
        if content is not None:
            self.version = found(LIVE_VERSION, content)
            self.board_version = found(BOARD_VERSION, content) or self.board_version

    @task(6)
    def poll_board(self) -> None:
        """The voting board on the live screen polls its tallies too."""
        content = self.poll_once(f"voting/poll/?v={self.board_version}", "voting board poll")
        if content is not None:
            self.board_version = found(BOARD_VERSION, content)

    def poll_once(self, path: str, name: str) -> bytes | None:
        """One poll; the new screen when it changed (200), None when it did not (204)."""
        with self.client.get(
            f"{self.base}/{path}",
            headers=self.headers,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code == 204:
                response.success()
                return None
            if response.status_code == 200:
                response.success()
                return response.content or b""
            response.failure(f"{name} answered {response.status_code}")
            return None

    @task(3)
    def answer(self) -> None:
        field = secrets.choice(self.me["fields"])
        if field["kind"] == "scale":
            value = str(1 + secrets.randbelow(5))
        else:
            value = f"Note {secrets.token_hex(4)} from the load test"
        with self.client.post(
            f"{self.base}/survey/answer/",
            data={field["name"]: value},
            headers=self.headers,
            name="survey autosave",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code == 200:
                self.answers[field["name"]] = value
                response.success()
            else:
                response.failure(f"autosave answered {response.status_code}")

    @task(2)
    def vote(self) -> None:
        held = sum(self.dots.values())
        if held < self.me["budget"] and (held == 0 or secrets.randbelow(10) < 6):
            action, gap = "add", secrets.choice(self.me["gaps"])
        else:
            action, gap = "remove", secrets.choice([g for g, n in self.dots.items() if n])
        with self.client.post(
            f"{self.base}/voting/dot/",
            data={"action": action, "gap": gap},
            headers=self.headers,
            name="vote",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                response.failure(f"vote answered {response.status_code}")
            elif b"voting-notice" in (response.content or b""):
                response.failure("the vote was refused")
            else:
                self.dots[gap] += 1 if action == "add" else -1
                response.success()


def found(pattern: re.Pattern, content: bytes | None) -> str:
    match = pattern.search(content or b"")
    return match.group(1).decode() if match else ""


@events.test_stop.add_listener
def record_expectations(**_kwargs) -> None:
    EXPECTED.write_text(
        json.dumps(
            [
                {
                    "user": person.me["user"],
                    "answers": person.answers,
                    "dots": {str(gap): n for gap, n in person.dots.items() if n},
                }
                for person in _everyone
            ]
        )
    )
