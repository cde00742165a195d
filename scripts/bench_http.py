"""HTTP measurements for the benchmark: pages under 30 concurrent clients (wrk), and autosave
under 30 participants answering at once (threads, every acknowledged answer checked).

wrk is the load generator for pages because it costs the machine almost nothing next to the
server it measures (these machines have two cores); its Lua ``done`` hook reports the median,
the 95th percentile and the errors as JSON.
"""

import http.client
import json
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

WRK = "/usr/bin/wrk"
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "median_ms": %.2f, "p95_ms": %.2f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors))
end
"""


@dataclass
class PageResult:
    requests: int
    seconds: float
    median_ms: float
    p95_ms: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load_page(
    base: str, path: str, cookie: str, *, clients: int = 30, seconds: int = 10, threads: int = 2
) -> PageResult:
    """``clients`` connections asking for ``path`` back to back for ``seconds``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT)
    found = subprocess.run(  # noqa: S603 - the Debian wrk, fixed arguments
        [
            WRK, f"--threads={threads}", f"--connections={clients}", f"--duration={seconds}s",
            "--timeout=10s", f"--script={script.name}", f"--header=Cookie: {cookie}",
            f"{base}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    Path(script.name).unlink()
    line = next(line for line in found.stdout.splitlines() if line.startswith("{"))
    return PageResult(**json.loads(line))


# --- autosave ---------------------------------------------------------------------------------


@dataclass
class Phone:
    """One participant answering as fast as the server lets them."""

    user: int
    workshop: str
    session: str
    csrf: str
    fields: list[str]
    acknowledged: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    failures: int = 0


def autosave(host: str, port: int, phones: list[Phone], seconds: float) -> float:
    """Every phone posts answers back to back for ``seconds``; returns the elapsed time."""
    stop = time.monotonic() + seconds
    started = time.monotonic()

    def answer(phone: Phone) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        headers = {
            "Cookie": f"sessionid={phone.session}; csrftoken={phone.csrf}",
            "X-CSRFToken": phone.csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        n = 0
        while time.monotonic() < stop:
            name = phone.fields[n % len(phone.fields)]
            value = str(1 + (n // len(phone.fields) + phone.user) % 5)
            n += 1
            sent = time.perf_counter()
            connection.request(
                "POST", f"/w/{phone.workshop}/survey/answer/", urlencode({name: value}), headers
            )
            response = connection.getresponse()
            response.read()
            phone.latencies.append(time.perf_counter() - sent)
            if response.status == 200:
                phone.acknowledged[name] = value
            else:
                phone.failures += 1
        connection.close()

    workers = [threading.Thread(target=answer, args=(phone,)) for phone in phones]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.monotonic() - started


def lost_answers(phones: list[Phone]) -> int:
    """Acknowledged answers that the database does not hold (or holds with another value)."""
    from harness import lost_answers as lost

    return lost({phone.user: phone.acknowledged for phone in phones})
