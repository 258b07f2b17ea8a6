"""What the scenarios share: data sets, gunicorn servers on loopback, sign-in, wrk runs with
per-request Lua rotation, medians and ratios."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "bench" / "data"))
USER_AGENT = "inspect-bench/1"  # Flask-Login's strong session protection hashes it
SECRET = "bench-secret-key-0123456789abcdef"  # noqa: S105 - loopback benchmark servers only
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def log(*parts) -> None:
    print(*parts, flush=True)


def sqlite_url(name: str) -> str:
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / (name + '.db')}"


def database_url(name: str, backend: str) -> str:
    """`sqlite` (a file under bench/data) or `postgresql` (database bench_<name> on the server
    at BENCH_PG, default postgresql+psycopg://postgres@127.0.0.1:5432)."""
    if backend == "sqlite":
        return sqlite_url(name)
    base = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
    _ensure_pg_database(base, f"bench_{name}")
    return f"{base}/bench_{name}"


def _ensure_pg_database(base: str, dbname: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": dbname}
        ).scalar()
        if not found:
            conn.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
    engine.dispose()


# --- in-process --------------------------------------------------------------------------


def in_process_app(url: str, **overrides):
    """The product on `url` for the Flask test client: CSRF, rate limits and secure cookies off
    (loopback measurements), `overrides` on top (e.g. DASHBOARD_CACHE_SECONDS)."""
    from inspect_app import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET,
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    app = create_app(config)
    from inspect_app.core.runtime import tune_garbage_collector

    tune_garbage_collector()  # as wsgi.py serves it
    return app


def signed_in_client(app, username: str, password: str):
    """A test client of `app` signed in through the login form; RuntimeError if refused."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 303:
        raise RuntimeError(f"sign-in of {username} failed: {response.status_code}")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- servers -------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def server_env(url: str | None) -> dict:
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        SECRET_KEY=SECRET,
        SESSION_COOKIE_SECURE="0",  # plain HTTP on loopback
        IDLE_TIMEOUT_MINUTES="600",
        RATELIMIT_LOGIN="1000 per minute",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    if url:
        env["DATABASE_URL"] = url
    return env


@contextmanager
def gunicorn(
    name: str,
    app_spec: str,
    url: str | None,
    workers: int = 2,
    health="/healthz",
    env: dict | None = None,
):
    """`gunicorn -w 2` (sync workers) serving `app_spec` on a free loopback port (`env` added
    to the server's environment)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
        app_spec,
    ]
    DATA.mkdir(parents=True, exist_ok=True)
    errlog = open(DATA / f"gunicorn_{name}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**server_env(url), **(env or {})}, start_new_session=True, stderr=errlog
    )
    server = Server(name, port, proc)
    try:
        _wait_healthy(server, health, 60, f"{name}: gunicorn")
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        errlog.close()


NGINX_CONF = """\
%(user)s
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    keepalive_timeout 75s;
    server {
        listen 127.0.0.1:%(port)d;
        location / {
            proxy_pass http://127.0.0.1:%(upstream)d;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Connection "";
            proxy_read_timeout 90s;
            proxy_request_buffering on;
        }
    }
}
"""


def _wait_healthy(server: Server, health: str, seconds: float, what: str) -> None:
    """Until `health` answers 200; RuntimeError if the process exits or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {server.proc.returncode}")
        try:
            if request(server, "GET", health)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: no answer on {health} within {seconds:g} s")
        time.sleep(0.2)


@contextmanager
def nginx(upstream: Server):
    """nginx in front of `upstream`, as deploy/nginx-inspect.conf puts it in production (plain
    HTTP on loopback): it holds the users' idle keep-alive connections and hands gunicorn's
    sync workers whole requests. Without it, a sync worker that accepts a connection waits on
    it until its user, thinking, sends the next request (`apt-get install -y nginx`)."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if binary is None:
        raise RuntimeError("nginx is not installed: apt-get install -y nginx")
    folder = tempfile.mkdtemp(prefix="bench-nginx-")
    port = free_port()
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as f:
        f.write(
            NGINX_CONF
            % {
                "dir": folder,
                "port": port,
                "upstream": upstream.port,
                "user": "user root;" if os.geteuid() == 0 else "",
            }
        )
    proc = subprocess.Popen(
        [binary, "-c", conf, "-p", folder, "-g", "daemon off;"], start_new_session=True
    )
    server = Server("nginx", port, proc)
    try:
        _wait_healthy(server, "/healthz", 20, f"nginx (see {folder})")
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
        shutil.rmtree(folder, ignore_errors=True)


def server_errors(name: str) -> list[str]:
    """The exception lines the server logged (gunicorn's stderr, kept under bench/data)."""
    path = DATA / f"gunicorn_{name}.log"
    if not path.exists():
        return []
    lines = path.read_text(errors="replace").splitlines()
    return [x for x in lines if "Error" in x or "Exception" in x]


def request(server: Server, method: str, path: str, body: dict | None = None, headers=None):
    """One HTTP request (no redirects followed): (status, headers, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    h = {"User-Agent": USER_AGENT, **(headers or {})}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _session_cookie(headers) -> str | None:
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith("session="):
            return v.split(";", 1)[0]
    return None


@dataclass
class Session:
    username: str
    cookie: str
    csrf: str

    @property
    def headers(self) -> dict:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, "User-Agent": USER_AGENT}


def sign_in(server: Server, username: str, password: str) -> Session:
    """Sign in through the real form; returns the session cookie and a CSRF token for it."""
    status, headers, body = request(server, "GET", "/login")
    cookie = _session_cookie(headers)
    token = _token(body)
    status, headers, body = request(
        server,
        "POST",
        "/login",
        {"username": username, "password": password, "csrf_token": token},
        {"Cookie": cookie},
    )
    if status != 303:
        raise RuntimeError(f"sign-in of {username} failed: {status} {body[:300]}")
    cookie = _session_cookie(headers) or cookie
    # Sign-in clears the session: a page rendered after it stores the new CSRF secret.
    status, headers, body = request(server, "GET", "/", headers={"Cookie": cookie})
    cookie = _session_cookie(headers) or cookie
    return Session(username, cookie, _token(body))


def _token(body: str) -> str:
    match = TOKEN_RE.search(body)
    if not match:
        raise RuntimeError("no CSRF token in the page: " + body[:300])
    return match.group(1) or match.group(2)


# --- wrk -----------------------------------------------------------------------------------

LUA = r"""
-- Generated by bench/common.py: rotates through REQS; thread k starts at k * stride.
local REQS = %(requests)s
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  built = {}
  for i, r in ipairs(REQS) do
    built[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  -- With a stride, thread k keeps to its own slice [k * stride + 1, (k + 1) * stride], so two
  -- threads never send the same request (a write with a version would then be stale).
  first = tid * %(stride)d + 1
  last = #built
  if %(stride)d > 0 then last = math.min(#built, (tid + 1) * %(stride)d) end
  idx = first - 1
end
%(delay)s
function request()
  idx = idx + 1
  if idx > last then idx = first end
  return built[idx]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\"requests\": %%d, \"duration_us\": %%d, \"p50_us\": %%d, \"p95_us\": %%d, " ..
    "\"p99_us\": %%d, \"max_us\": %%d, \"connect\": %%d, \"read\": %%d, \"write\": %%d, " ..
    "\"status\": %%d, \"timeout\": %%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Req:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: str | None = None


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors (connect/read/write/timeout) + HTTP status >= 400

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    server: Server,
    reqs: list[Req],
    seconds: float,
    connections: int = 20,
    threads: int = 2,
    stride: int = 0,
    think_ms: tuple[int, int] | None = None,
) -> WrkResult:
    """Run wrk against `server`, cycling through `reqs` (thread k starts at k * stride); with
    `think_ms` (low, high), each connection waits a random time in that range before each
    request, as a user reading the page does (wrk's latency does not count the wait)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    items = []
    for r in reqs:
        headers = {"User-Agent": USER_AGENT, **r.headers}
        if r.body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        hs = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        body = _lua_string(r.body) if r.body is not None else "nil"
        items.append(f"{{{_lua_string(r.method)}, {_lua_string(r.path)}, {{{hs}}}, {body}}}")
    delay = (
        f"function delay() return math.random({think_ms[0]}, {think_ms[1]}) end" if think_ms else ""
    )
    script = LUA % {
        "requests": "{\n" + ",\n".join(items) + "\n}",
        "stride": stride,
        "delay": delay,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    try:
        cmd = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            path,
            server.base,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(path)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout[-500:]} {out.stderr[-500:]}")
    d = json.loads(line[6:])
    errors = d["connect"] + d["read"] + d["write"] + d["timeout"] + d["status"]
    return WrkResult(
        d["requests"],
        d["duration_us"] / 1e6,
        d["p50_us"] / 1000,
        d["p95_us"] / 1000,
        d["p99_us"] / 1000,
        d["max_us"] / 1000,
        errors,
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def fmt_runs(values: list[float], unit: str = "") -> str:
    return (
        f"median {median(values):,.1f}{unit} (runs: " + ", ".join(f"{v:,.1f}" for v in values) + ")"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def write_json(name: str, data: dict) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"result_{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def machine() -> str:
    load = os.getloadavg()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), load avg {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
