"""Pulling an experiment's runs from a live MLflow tracking server over its REST API 2.0
(docs/rules.md §9): the table `mlflow.search_runs()` gives, as its CSV holds it, plus every
metric's per-step history. An adapter like a file reader (no store, no screen, no `mlflow`
package). A token or password is sent and forgotten: no message, result or repr holds it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from strategy_core.errors import InputError
from strategy_core.run_csv.common import RawTable

API = "/api/2.0/mlflow"
INFO_COLUMNS = ("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")
"""The fixed columns of `mlflow.search_runs()`, before metrics.*, params.* and tags.*."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

History = tuple[tuple[int, float, int], ...]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class MlflowPull:
    """An experiment's active runs as pulled: `table` in the search_runs CSV layout (one row
    per run), `histories` run id -> metric -> ((step, value, timestamp ms), ...) by step,
    `server` the address without any user name or password, `run_links` each run's page."""

    table: RawTable
    histories: dict[str, dict[str, History]]
    experiment_id: str
    experiment_name: str
    server: str
    run_links: dict[str, str]


def pull_runs(url: str, experiment: str, token: str | None = None, *,
              progress: Progress | None = None, transport: httpx.BaseTransport | None = None,
              timeout: float = 30.0, max_runs: int = 5000, page_size: int = 1000,
              history_page_size: int = 10_000) -> MlflowPull:
    """The active runs of `experiment` (a name or an id) at `url`, with metric histories;
    `token` as Bearer, a URL's `user:password@` as basic auth; `progress(done, total, message)`
    as fetches go (total may be an estimate). InputError, one sentence without secrets: bad
    address, no server, not MLflow, refused, no such or empty experiment, over `max_runs`."""
    server, basic = _split_address(url)
    token = (token or "").strip() or None  # a pasted token often ends in a newline
    secrets = tuple(s for s in (token, *(basic or ())) if s)
    problem = ""
    try:
        with httpx.Client(base_url=server, auth=None if token else basic, transport=transport,
                          headers={"Authorization": f"Bearer {token}"} if token else {},
                          timeout=timeout) as client:
            api = _Api(client, server, timeout,
                       "token" if token else "password" if basic else None)
            experiment_id, name = _find_experiment(api, experiment.strip())
            runs = _search_runs(api, experiment_id, name, max_runs, page_size, progress)
            histories = _histories(api, runs, history_page_size, progress)
        links = {_run_id(run): f"{server}/#/experiments/{experiment_id}/runs/{_run_id(run)}"
                 for run in runs}
        return MlflowPull(_table(runs), histories, experiment_id, name, server, links)
    except InputError as error:
        problem = error.problem
    except httpx.HTTPError:
        problem = f"the request to {server} failed before MLflow answered"
    except (KeyError, TypeError, AttributeError, ValueError):
        problem = _not_mlflow(server, "its answer does not have MLflow's fields")
    # Raised here, outside the handlers, so no chained exception carries the request.
    raise InputError(_scrub(problem, secrets))


def _split_address(url: str) -> tuple[str, tuple[str, str] | None]:
    """The server's base address without user info, query or fragment (a UI page's address
    works), and the basic-auth user and password the URL carried."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("the MLflow address must start with http:// or https:// and name a "
                         "host (e.g. http://localhost:5000)")
    basic = parts.username and (unquote(parts.username), unquote(parts.password or ""))
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", "")), \
        basic or None


@dataclass(frozen=True)
class _Api:
    """Calls to one server: MLflow's JSON or one clear sentence; `credential`: what was sent."""

    client: httpx.Client
    server: str
    timeout: float
    credential: str | None

    def call(self, method: str, path: str, *, missing_ok: bool = False,
             **request: Any) -> dict[str, Any] | None:
        """One endpoint's JSON; None when `missing_ok` and MLflow says there is no such thing."""
        try:  # pull_runs raises each sentence afresh, without these handlers' exceptions
            response = self.client.request(method, f"{API}/{path}", **request)
        except httpx.TimeoutException:
            raise InputError(f"the server at {self.server} did not answer within "
                             f"{self.timeout:g} s") from None
        except httpx.ProtocolError:
            raise InputError(_not_mlflow(self.server, "it does not answer in HTTP")) from None
        except httpx.TransportError as error:
            raise InputError(f"the certificate of {self.server} is not trusted" if "CERTIFICATE"
                             in str(error).upper() else f"no server answered at {self.server} "
                             "(connection refused or host not found)") from None
        return self._answer(response, missing_ok)

    def _answer(self, response: httpx.Response, missing_ok: bool) -> dict[str, Any] | None:
        status, host = response.status_code, response.request.headers.get("host", "")
        if status == 403 and "Invalid Host header" in response.text:  # MLflow 3.5+ middleware
            raise InputError(f"the MLflow server does not accept the name {host}: start it "
                             f"with --allowed-hosts {host}")
        if status in (401, 403):
            raise InputError(self._refused(status))
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            to = response.url.join(response.headers.get("location", ""))
            kind = (f"a redirect to {to.scheme}://{to.netloc.decode()}{to.path}"
                    if response.has_redirect_location else "a web page"
                    if "html" in response.headers.get("content-type", "") else
                    f"HTTP {status} without MLflow's JSON")
            raise InputError(f"the server at {self.server} failed (HTTP {status})" if status >= 500
                             else _not_mlflow(self.server, f"it answered with {kind}"))
        if status < 400:
            return body
        code = str(body.get("error_code", ""))
        if missing_ok and (code == "RESOURCE_DOES_NOT_EXIST" or status == 404 and not code):
            return None
        message, verb = str(body.get("message", ""))[:200], "failed" if status >= 500 else \
            "refused the request"
        raise InputError(f"the MLflow server {verb} (HTTP {status}{', ' + code if code else ''})"
                         f"{': ' + message if message else ''}")

    def _refused(self, status: int) -> str:
        sent = {"token": "the token", "password": "the user name and password"}
        if self.credential in sent:
            return f"the server refused {sent[self.credential]} (HTTP {status})"
        return f"the server asks for a sign-in (HTTP {status}): give an access token"


def _not_mlflow(server: str, why: str) -> str:
    return f"{server} is not an MLflow tracking server ({why}): check the address"


def _find_experiment(api: _Api, experiment: str) -> tuple[str, str]:
    """The experiment's id and name: by id when it is a number, else (or then) by name."""
    if not experiment:
        raise InputError("name the MLflow experiment to pull (its name or its id)")
    found = None
    if experiment.isdigit():
        found = api.call("GET", "experiments/get", params={"experiment_id": experiment},
                         missing_ok=True)
    if found is None:
        found = api.call("GET", "experiments/get-by-name",
                         params={"experiment_name": experiment}, missing_ok=True)
    if found is None:
        raise InputError(_unknown_experiment(api, experiment))
    record = found["experiment"]  # a KeyError here reads as "not MLflow" in pull_runs
    name = str(record.get("name") or experiment)
    if record.get("lifecycle_stage") == "deleted":
        raise InputError(f"experiment '{name}' is deleted on {api.server}: restore it first")
    return str(record["experiment_id"]), name


def _unknown_experiment(api: _Api, experiment: str) -> str:
    """The not-found sentence, naming up to 5 experiments the server lists (closest first)."""
    message = f"no experiment named '{experiment}' on {api.server}"
    try:
        answer = api.call("POST", "experiments/search", json={"max_results": 200}) or {}
        names = [str(e["name"]) for e in answer.get("experiments", []) if "name" in e]
    except (InputError, KeyError, TypeError, AttributeError):
        names = []  # a server may forbid listing: the sentence then names none
    close = difflib.get_close_matches(experiment, names, n=5, cutoff=0.4)
    shown = (close + [n for n in names if n not in close])[:5]
    more = ", …" if len(names) > len(shown) else ""
    return message + (": it has " + ", ".join(f"'{n}'" for n in shown) + more if shown else "")


def _search_runs(api: _Api, experiment_id: str, name: str, max_runs: int, page_size: int,
                 progress: Progress | None) -> list[dict[str, Any]]:
    """Every active run, page by page, in the server's order (newest first), up to max_runs."""
    runs: dict[str, dict[str, Any]] = {}
    token = None
    while True:  # until the last page, or a page with nothing new (a server going round)
        before = len(runs)
        request: dict[str, Any] = {"experiment_ids": [experiment_id],
                                   "max_results": min(page_size, max_runs + 1),
                                   "run_view_type": "ACTIVE_ONLY"}
        if token:
            request["page_token"] = token
        page = api.call("POST", "runs/search", json=request) or {}
        for run in page.get("runs", []):
            runs.setdefault(_run_id(run), run)
        if len(runs) > max_runs:
            raise InputError(f"experiment '{name}' has more than {max_runs} runs: pull at "
                             "most that many (delete or move old runs in MLflow)")
        token = page.get("next_page_token")
        if progress:
            progress(len(runs), len(runs) + (page_size if token else 0), f"listed {len(runs)} runs")
        if not token or len(runs) == before:
            break
    if not runs:
        raise InputError(f"experiment '{name}' has no active runs on {api.server}")
    return list(runs.values())


def _run_id(run: dict[str, Any]) -> str:
    return str(run["info"].get("run_id") or run["info"]["run_uuid"])


def _histories(api: _Api, runs: list[dict[str, Any]], page_size: int,
               progress: Progress | None) -> dict[str, dict[str, History]]:
    """Every point of every metric of every run, ordered by step then time."""
    pairs = [(_run_id(run), key) for run in runs for key in sorted(_entries(run, "metrics"))]
    histories: dict[str, dict[str, History]] = {_run_id(run): {} for run in runs}
    for done, (run_id, key) in enumerate(pairs, 1):
        histories[run_id][key] = _history(api, run_id, key, page_size)
        if progress:
            progress(done, len(pairs), f"read {done} of {len(pairs)} metric histories")
    return histories


def _history(api: _Api, run_id: str, key: str, page_size: int) -> History:
    points: list[tuple[int, float, int]] = []
    token, seen = None, set()  # an old server may hand back the same page
    for _ in range(1000):  # pages; the bound guards against a server that never ends
        params = {"run_id": run_id, "metric_key": key, "max_results": page_size}
        if token:
            params["page_token"] = token
        page = api.call("GET", "metrics/get-history", params=params) or {}
        points += [(int(m.get("step", 0)), float(m["value"]), int(m.get("timestamp", 0)))
                   for m in page.get("metrics", [])]
        token = page.get("next_page_token")
        if not token or token in seen:
            break
        seen.add(token)
    return tuple(sorted(points, key=lambda p: (p[0], p[2])))


def _entries(run: dict[str, Any], kind: str) -> dict[str, Any]:
    """A run's metrics (the latest value of each), params or tags, by key."""
    return {e["key"]: e.get("value") for e in run.get("data", {}).get(kind, [])}


def _table(runs: list[dict[str, Any]]) -> RawTable:
    """The runs as `mlflow.search_runs()` writes them to CSV: info columns, then metrics,
    params and tags (each sorted by key); a missing value is an empty cell."""
    kinds = ("metrics", "params", "tags")
    entries = {kind: [_entries(run, kind) for run in runs] for kind in kinds}
    keys = {kind: sorted({k for e in entries[kind] for k in e}) for kind in kinds}
    headers = (*INFO_COLUMNS, *(f"{kind}.{k}" for kind in kinds for k in keys[kind]))
    rows = []
    for index, run in enumerate(runs):
        info = run["info"]
        rows.append((
            _run_id(run), str(info.get("experiment_id", "")), str(info.get("status", "")),
            str(info.get("artifact_uri", "")), _moment(info.get("start_time")),
            _moment(info.get("end_time")),
            *(_cell(kind, entries[kind][index].get(k)) for kind in kinds for k in keys[kind])))
    return RawTable(headers, tuple(rows), tuple(range(2, len(rows) + 2)))


def _moment(ms: Any) -> str:
    """Epoch milliseconds as pandas writes a UTC time: `2026-12-03 14:02:11.123000+00:00`."""
    return "" if ms in (None, "") else str(_EPOCH + timedelta(milliseconds=int(ms)))


def _cell(kind: str, value: Any) -> str:
    """A value as the CSV holds it: a metric as repr of its float (NaN or none: empty), a
    param or tag as its text."""
    if value is None:
        return ""
    if kind != "metrics":
        return str(value)
    number = float(value)  # MLflow's JSON writes NaN and infinities as "NaN", "Infinity"
    return "" if math.isnan(number) else repr(number)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """The text with every secret masked, whatever a server or a user put in it."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
