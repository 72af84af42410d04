"""`unionfed` as the README uses it: settings from the running platform's state directory, clear refusals."""

import os

import click
import pytest
from click.testing import CliRunner

from unionfed_shared.cli import main

SERVICES = ("membership", "welfare", "events", "finance")


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """A new shell with nothing exported, outside any repository; os.environ restored afterwards."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("UNIONFED_", *(f"{s.upper()}_" for s in SERVICES))):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


def state_dir_like_make_up(root, service: str, **values: str):
    """What deploy/local/platform.sh writes: <state>/env/<service>.env, one KEY=value a line."""
    state = root / "state"
    (state / "env").mkdir(parents=True)
    (state / "env" / f"{service}.env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return state


def test_a_service_command_finds_the_settings_make_up_wrote_when_the_environment_has_none(bare_environment):
    state = state_dir_like_make_up(
        bare_environment,
        "finance",
        FINANCE_DATABASE_URL="postgresql+asyncpg://unionfed:pw-from-state@127.0.0.1:25432/finance",
        FINANCE_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:29092",
        FINANCE_HTTP_PORT="8004",
        FINANCE_JWT_SECRET="s" * 48,
    )
    result = CliRunner().invoke(main, ["finance", "settings"], env={"UNIONFED_STATE_DIR": str(state)})
    assert result.exit_code == 0, result.output
    assert f"then {state / 'env' / 'finance.env'}" in result.output
    assert "FINANCE_DATABASE_URL=postgresql+asyncpg://unionfed:***@127.0.0.1:25432/finance" in result.output
    assert "FINANCE_JWT_SECRET=********" in result.output
    assert "pw-from-state" not in result.output and "s" * 48 not in result.output


def test_the_state_dir_defaults_to_dot_run_dev_of_the_repository_around_the_working_directory(bare_environment):
    repo = bare_environment
    (repo / ".run" / "dev" / "env").mkdir(parents=True)
    (repo / ".run" / "dev" / "env" / "events.env").write_text(
        "EVENTS_DATABASE_URL=postgresql+asyncpg://u:p@127.0.0.1:25432/events\nEVENTS_JWT_SECRET=" + "e" * 40 + "\n"
    )
    (repo / "services").mkdir()
    os.chdir(repo / "services")
    result = CliRunner().invoke(main, ["events", "settings"])
    assert result.exit_code == 0, result.output
    assert "EVENTS_DATABASE_URL=postgresql+asyncpg://u:***@127.0.0.1:25432/events" in result.output


def test_the_environment_wins_variable_by_variable(bare_environment):
    state = state_dir_like_make_up(
        bare_environment,
        "welfare",
        WELFARE_DATABASE_URL="postgresql+asyncpg://u:p@127.0.0.1:25432/welfare",
        WELFARE_JWT_SECRET="w" * 40,
        WELFARE_HTTP_PORT="8002",
    )
    result = CliRunner().invoke(
        main, ["--state-dir", str(state), "welfare", "settings"], env={"WELFARE_HTTP_PORT": "9999"}
    )
    assert result.exit_code == 0, result.output
    assert "WELFARE_HTTP_PORT=9999" in result.output
    assert "WELFARE_DATABASE_URL=postgresql+asyncpg://u:***@127.0.0.1:25432/welfare" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["finance", "reconcile"],
        ["finance", "verify-chain", "--org", "x"],
        ["membership", "dead-letters", "list"],
        ["welfare", "migrate"],
    ],
)
def test_without_settings_one_line_names_what_is_missing_and_how_to_fix_it(bare_environment, command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "ValidationError" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    service = command[0].upper()
    assert f"{service}_DATABASE_URL, {service}_JWT_SECRET not set" in lines[0]
    assert "make up" in lines[0] and "UNIONFED_STATE_DIR" in lines[0]


def test_a_state_dir_without_the_service_file_is_named(bare_environment):
    state = state_dir_like_make_up(bare_environment, "finance", FINANCE_JWT_SECRET="f" * 40)
    result = CliRunner().invoke(main, ["finance", "reconcile"], env={"UNIONFED_STATE_DIR": str(state)})
    assert result.exit_code == 1
    assert f"FINANCE_DATABASE_URL not set and {state / 'env' / 'finance.env'} does not set them" in result.output
    missing = CliRunner().invoke(main, ["events", "settings"], env={"UNIONFED_STATE_DIR": str(state)})
    assert f"{state / 'env' / 'events.env'} does not exist" in missing.output


def test_an_invalid_setting_is_named_in_one_line(bare_environment):
    result = CliRunner().invoke(
        main,
        ["finance", "settings"],
        env={
            "FINANCE_DATABASE_URL": "postgresql+asyncpg://u:p@h/finance",
            "FINANCE_JWT_SECRET": "x" * 40,
            "FINANCE_CONSUMER_MAX_ATTEMPTS": "0",
        },
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: finance: invalid settings: FINANCE_CONSUMER_MAX_ATTEMPTS:")
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("unionfed, version 0.1.0")


def _groups(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _groups(command, (*path, name))


def test_every_group_and_command_has_help_text(bare_environment):
    # A group's callback loads its service's settings into os.environ before a subcommand's --help;
    # outside a repository with a .run/dev nothing leaks into later tests.
    groups = dict(_groups(main))
    assert {(), ("topics",), *((s,) for s in SERVICES), *((s, "dead-letters") for s in SERVICES)} <= set(groups)
    for path, group in groups.items():
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        description = result.output.split("\n\n", 2)[1]
        assert description.strip() and not description.lstrip().startswith("Options:"), (path, result.output)
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            assert group.get_command(ctx, name).get_short_help_str().strip(), (path, name)


def test_token_signs_with_the_running_platforms_secret_when_none_is_given(bare_environment):
    from unionfed_shared.auth import TokenService

    state = bare_environment / "state"
    state.mkdir()
    (state / "jwt-secret").write_text("k" * 48 + "\n")
    args = [
        "token",
        "--subject",
        "me",
        "--role",
        "federation_admin",
        "--org",
        "county-edu",
        "--federation",
        "county-edu",
    ]
    minted = CliRunner().invoke(main, args, env={"UNIONFED_STATE_DIR": str(state)})
    assert minted.exit_code == 0, minted.output
    principal = TokenService("k" * 48, "unionfed", "unionfed-local").verify(minted.output.strip())
    assert (principal.subject, principal.organization_id) == ("me", "county-edu")

    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.startswith("Error: no signing secret:") and len(refused.output.strip().splitlines()) == 1


def test_the_file_platform_sh_writes_is_the_one_the_cli_reads(bare_environment):
    """Runs platform.sh's own service_env, so the two sides cannot drift apart."""
    import subprocess
    from pathlib import Path

    platform_sh = Path(__file__).resolve().parents[3] / "deploy" / "local" / "platform.sh"
    state = bare_environment / "state"
    script = f"""
        set -euo pipefail
        state={state}
        declare -A ports=([finance]=8004)
        UNIONFED_PG_USER=unionfed UNIONFED_PG_PASSWORD=pw UNIONFED_PG_HOST=127.0.0.1 UNIONFED_PG_PORT=25432
        UNIONFED_KAFKA_BOOTSTRAP=127.0.0.1:29092 UNIONFED_JWT_SECRET={"t" * 48}
        keycloak_url=http://127.0.0.1:8180/auth keycloak_issuer=http://localhost:8080/auth/realms/unionfed
        export FINANCE_HEAD_SIGNING_KEY_FILE={state}/finance-head-signing-key.pem
        eval "$(sed -n '/^service_env()/,/^}}/p' {platform_sh})"
        service_env finance
    """
    subprocess.run(["bash", "-c", script], check=True, env={"PATH": os.environ["PATH"]})
    written = state / "env" / "finance.env"
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert "FINANCE_HEAD_SIGNING_KEY_FILE=" in written.read_text()

    result = CliRunner().invoke(main, ["finance", "settings"], env={"UNIONFED_STATE_DIR": str(state)})
    assert result.exit_code == 0, result.output
    assert "FINANCE_DATABASE_URL=postgresql+asyncpg://unionfed:***@127.0.0.1:25432/finance" in result.output
    assert "FINANCE_HTTP_PORT=8004" in result.output
    assert "FINANCE_JWKS_URL=http://127.0.0.1:8180/auth/realms/unionfed/protocol/openid-connect/certs" in result.output
    assert os.environ["FINANCE_HEAD_SIGNING_KEY_FILE"] == f"{state}/finance-head-signing-key.pem"


def test_token_mints_a_platform_administrator_for_the_platform_only(bare_environment):
    from unionfed_shared.auth import TokenService, platform_admin

    secret = ["--secret", "k" * 48]
    minted = CliRunner().invoke(main, ["token", "--subject", "ops", "--role", "platform_admin", *secret])
    assert minted.exit_code == 0, minted.output
    assert TokenService("k" * 48, "unionfed", "unionfed-local").verify(minted.output.strip()) == platform_admin("ops")

    for wrong in (["--org", "county-edu"], ["--federation", "county-edu"]):
        refused = CliRunner().invoke(main, ["token", "--subject", "ops", "--role", "platform_admin", *wrong, *secret])
        assert refused.exit_code == 2 and "platform" in refused.output, refused.output
    other = CliRunner().invoke(main, ["token", "--subject", "me", "--role", "federation_admin", *secret])
    assert other.exit_code == 2 and "--org and --federation are required" in other.output, other.output
