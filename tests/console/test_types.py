"""The console's TypeScript types are generated from the services' OpenAPI documents; a change to
an API that is not regenerated into console/src/api fails here."""

from tests.console.conftest import CONSOLE, REPO, run


def test_committed_types_match_the_services_openapi_documents(console_packages, tmp_path):
    dumped = run(
        ["uv", "run", "--no-sync", "python", str(CONSOLE / "scripts/dump_openapi.py"), str(tmp_path)], REPO, 300
    )
    assert dumped.returncode == 0, dumped.stderr
    check = run(["node", "scripts/generate-types.mjs", "--check", "--from", str(tmp_path)], CONSOLE, 300)
    assert check.returncode == 0, f"{check.stdout}\n{check.stderr}"
    assert "types match" in check.stdout
