"""deploy/ files and the README's settings table: what can be checked without a server."""

from __future__ import annotations

import configparser
import gc
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from admin.docs import format_default, settings_table
from config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


# ---------------------------------------------------------------- settings table


def _readme_settings() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1].strip("`"), cells[2])
    return rows


def test_every_setting_is_in_the_readme_table():
    rows = _readme_settings()
    missing = [s.name for s in SETTINGS if s.name not in rows]
    assert not missing, ("settings missing from the README « Settings » table "
                         f"(python -m admin.docs prints it): {missing}")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_readme_gives_the_env_var_and_default(setting):
    env, default = _readme_settings()[setting.name]
    assert env == f"REPERES_{setting.name}"
    assert default == format_default(setting.default)


def test_the_generated_table_has_one_row_per_setting():
    assert settings_table().count("\n| `") == len(SETTINGS)


def test_every_setting_has_a_help_line():
    assert all(s.help.strip() and "\n" not in s.help for s in SETTINGS)
    assert len({s.name for s in SETTINGS}) == len(SETTINGS)


# ---------------------------------------------------------------- gunicorn


def test_gunicorn_config_suits_uploads_and_several_workers(monkeypatch):
    monkeypatch.delenv("REPERES_WORKERS", raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["wsgi_app"] == "app:create_app()"
    assert conf["bind"].startswith("127.0.0.1:")
    assert 2 <= conf["workers"] <= 5
    assert conf["timeout"] >= 120
    nginx = (DEPLOY / "nginx-reperes.conf").read_text()
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx).group(1))
    assert read_timeout == conf["timeout"]


def test_gunicorn_forks_workers_from_a_preloaded_frozen_app():
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    try:
        conf["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0  # what the master built is out of the collector's reach
    finally:
        gc.unfreeze()


def test_gunicorn_accepts_the_config_and_loads_the_app(tmp_path):
    env = {**os.environ, "REPERES_DATA_DIR": str(tmp_path / "data"), "REPERES_WORKERS": "2"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- systemd


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", ["reperes.service", "reperes-backup.service", "reperes-backup.timer"])
def test_systemd_units_parse(name):
    unit = _unit(name)
    assert unit.has_section("Unit")
    assert unit["Unit"]["Description"]


def test_systemd_accepts_the_units(tmp_path):
    """systemd's own parser, where installed (the app folder swapped for this checkout)."""
    names = ["reperes.service", "reperes-backup.service", "reperes-backup.timer"]
    for name in names:
        text = (DEPLOY / name).read_text().replace("/srv/reperes/app", str(ROOT))
        (tmp_path / name).write_text(text)
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / n) for n in names)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert not [line for line in result.stderr.splitlines() if "reperes" in line], result.stderr
    for name in names:  # and, everywhere, every line is a section, a comment or key=value
        for line in (tmp_path / name).read_text().splitlines():
            assert not line or line.startswith(("#", "[")) or re.match(r"^[A-Za-z]+=\S", line), line


def test_web_service_runs_gunicorn_with_the_config():
    service = _unit("reperes.service")["Service"]
    assert service["ExecStart"].endswith("gunicorn -c deploy/gunicorn.conf.py")
    assert service["EnvironmentFile"] == "/etc/reperes/reperes.env"
    assert service["User"] == "reperes"
    assert service["Restart"] == "on-failure"
    assert "/srv/reperes/data" in service["ReadWritePaths"]


def test_backup_service_rotates_and_checks():
    text = (DEPLOY / "reperes-backup.service").read_text()
    exec_lines = re.findall(r"^ExecStart=(.*)$", text, re.M)
    assert any(re.search(r"flask --app app backup --keep \d+$", line) for line in exec_lines)
    assert any(line.endswith("flask --app app check") for line in exec_lines)
    assert _unit("reperes-backup.service")["Service"]["Type"] == "oneshot"
    timer = _unit("reperes-backup.timer")
    assert timer["Timer"]["OnCalendar"]
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_env_file_names_only_real_settings():
    names = {s.name for s in SETTINGS} | {"WORKERS", "BIND"}  # the last two: gunicorn.conf.py
    text = (DEPLOY / "reperes.env").read_text()
    keys = re.findall(r"^#?\s*REPERES_([A-Z_]+)=", text, re.M)
    assert keys
    assert set(keys) <= names
    assert "REPERES_PROXY_COUNT=1" in text
    assert "REPERES_SECURE_COOKIES=1" in text


def test_the_reperes_command_loads_the_settings():
    script = (DEPLOY / "reperes").read_text()
    assert script.startswith("#!/bin/sh")
    assert ". /etc/reperes/reperes.env" in script
    assert 'flask --app app "$@"' in script
    assert os.access(DEPLOY / "reperes", os.X_OK)


# ---------------------------------------------------------------- nginx


def _nginx() -> str:
    return (DEPLOY / "nginx-reperes.conf").read_text(encoding="utf-8")


def test_nginx_upload_limit_matches_the_app():
    default_mb = next(s.default for s in SETTINGS if s.name == "MAX_UPLOAD_MB")
    assert re.findall(r"client_max_body_size (\d+)m;", _nginx()) == [str(default_mb)]
    env = (DEPLOY / "reperes.env").read_text()
    assert f"REPERES_MAX_UPLOAD_MB={default_mb}" in env


def test_nginx_serves_static_and_proxies_one_hop():
    text = _nginx()
    assert "alias /srv/reperes/app/static/;" in text
    assert "proxy_pass http://127.0.0.1:8000;" in text
    # The client address replaces (not appends to) X-Forwarded-For: one trusted hop only.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text
    assert "ssl_certificate /etc/letsencrypt/live/" in text
    assert "certbot" in text


def test_nginx_config_is_well_formed():
    depth = 0
    for number, raw in enumerate(_nginx().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number}: unbalanced braces"
        if not line.endswith(("{", "}", ";")):
            pytest.fail(f"line {number} does not end a directive: {raw!r}")
    assert depth == 0
    if shutil.which("nginx") and shutil.which("openssl"):  # the real parser, where installed
        _nginx_t()


def _nginx_t():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f"{tmp}/key.pem",
                        "-out", f"{tmp}/cert.pem", "-days", "1", "-subj", "/CN=test"],
                       check=True, capture_output=True)
        site = _nginx().replace("/etc/letsencrypt/live/reperes.example.org/fullchain.pem",
                                f"{tmp}/cert.pem").replace(
            "/etc/letsencrypt/live/reperes.example.org/privkey.pem", f"{tmp}/key.pem")
        Path(tmp, "site.conf").write_text(site)
        Path(tmp, "nginx.conf").write_text(
            f"pid {tmp}/nginx.pid; error_log {tmp}/error.log;\nevents {{}}\n"
            f"http {{ access_log off; include {tmp}/site.conf; }}\n")
        result = subprocess.run(["nginx", "-t", "-p", tmp, "-c", f"{tmp}/nginx.conf"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- one proxy trusted


def test_proxy_count_one_trusts_exactly_one_hop(tmp_path):
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "d"), "SECRET_KEY": "t", "TESTING": True,
                      "PROXY_COUNT": 1})

    @app.route("/_addr")
    def _addr():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get("/_addr", headers={
        "X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "203.0.113.7 https"


def test_restore_procedure_is_one_page_and_names_the_commands():
    text = (DEPLOY / "RESTORE.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 90
    for needed in ("systemctl stop reperes", "reperes restore", "--force", "Aucun problème trouvé",
                   "/healthz", "--journal"):
        assert needed in text


# ---------------------------------------------------------------- CLI commands documented


def test_every_cli_command_is_in_the_readme(app):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]
    builtin = {"routes", "run", "shell"}
    missing = [name for name in app.cli.list_commands(None)
               if name not in builtin and f"| `{name}" not in section]
    assert not missing, f"commands missing from the README « Deployment » commands table: {missing}"
