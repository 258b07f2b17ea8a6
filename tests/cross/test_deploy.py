"""deploy/: the files a provincial IT office installs agree with the application and with each
other (the CI step .ci/deploy-smoke then runs the units' command lines for real)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

from inspect_app.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("inspect-web.service", "inspect-scheduler.service")
# Read by deploy/gunicorn.conf.py, not by the application.
GUNICORN_SETTINGS = {"GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_ERROR_LOG"}
# Settings the application reads under another name than its config key.
RENAMED = {"DATABASE_URL", "APP_TIMEZONE", "APP_ENV"}


def _settings() -> dict[str, str]:
    """Every KEY=value of the example, commented-out ones included (as written)."""
    out = {}
    for line in (DEPLOY / "inspect.env.example").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"#?\s*([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if m:
            out[m[1]] = m[2]
    return out


def _nginx() -> str:
    return (DEPLOY / "nginx-inspect.conf").read_text(encoding="utf-8")


def test_every_example_setting_is_one_the_application_or_gunicorn_reads():
    unknown = set(_settings()) - GUNICORN_SETTINGS - RENAMED - set(dir(Config))
    assert not unknown, f"settings nothing reads (typos?): {sorted(unknown)}"
    conf = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert all(name in conf for name in GUNICORN_SETTINGS)


def test_the_example_holds_no_secret():
    settings = _settings()
    assert settings["SECRET_KEY"] == ""
    assert ":PASSWORD@" in settings["DATABASE_URL"]
    assert "MAIL_PASSWORD" not in {k for k, v in settings.items() if v}


def test_nginx_takes_the_uploads_the_application_takes():
    settings = _settings()
    limit = re.search(r"client_max_body_size\s+(\d+)m;", _nginx())
    assert limit, "client_max_body_size missing"
    assert int(settings["MAX_UPLOAD_MB"]) == Config.MAX_UPLOAD_MB
    # The application's own limit (MAX_CONTENT_LENGTH) is MAX_UPLOAD_MB + 1 MiB for the form.
    assert int(limit[1]) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH


def test_nginx_forwards_what_the_trusted_proxy_setting_reads():
    """One proxy (nginx) in front: TRUSTED_PROXIES=1 and each header ProxyFix reads is set."""
    assert _settings()["TRUSTED_PROXIES"] == "1"
    nginx = _nginx()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port"):
        assert re.search(rf"proxy_set_header {header} \$", nginx), header
    assert "listen 443 ssl" in nginx and "return 301 https://" in nginx
    bind = _settings()["GUNICORN_BIND"]
    assert f"proxy_pass http://{bind};" in nginx


def test_units_run_the_checkout_with_the_settings_file():
    for unit in UNITS:
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        assert "WorkingDirectory=/opt/inspect\n" in text
        assert "EnvironmentFile=/etc/inspect/inspect.env\n" in text
        assert "User=inspect\n" in text
        (command,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.M)
        argv = shlex.split(command)
        assert argv[0].startswith("/opt/inspect/.venv/bin/")
        if unit == "inspect-web.service":
            assert argv[1:] == ["--config", "deploy/gunicorn.conf.py", "wsgi:app"]
        else:
            assert argv[1:] == ["--app", "wsgi", "scheduler", "run"]
        writable = re.search(r"^ReadWritePaths=(.+)$", text, flags=re.M)[1].split()
        assert "/var/lib/inspect" in writable and "/var/log/inspect" in writable
    settings = _settings()
    assert settings["UPLOAD_FOLDER"].startswith("/var/lib/inspect/")
    assert settings["LOG_FILE"].startswith("/var/log/inspect/")
    scheduler = (DEPLOY / "inspect-scheduler.service").read_text(encoding="utf-8")
    assert settings["BACKUP_DIR"] in scheduler


def test_logrotate_reads_the_entry(tmp_path):
    """`logrotate -d` (changes nothing) parses the entry; the service user is root here."""
    entry = (DEPLOY / "logrotate-inspect").read_text(encoding="utf-8")
    assert "/var/log/inspect/*.log" in entry
    local = tmp_path / "inspect"
    local.write_text(entry.replace("inspect inspect", "root root"), encoding="utf-8")
    done = subprocess.run(
        [shutil.which("logrotate") or "logrotate", "-d", "-s", str(tmp_path / "state"), str(local)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "error" not in done.stderr.lower(), done.stderr
    assert "rotating pattern: /var/log/inspect/*.log" in done.stderr
