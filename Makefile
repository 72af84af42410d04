# The two commands of the README, and their helpers.
.PHONY: up down backup test unit lint soak bench bench-long chart-check

up:    ## run the platform with its demo federation (installs what is missing)
	bash deploy/local/platform.sh up

down:  ## stop everything; committed data stays in .run/dev
	bash deploy/local/platform.sh down

backup:  ## back up the running platform (make up): each database with its Kafka offsets (and finance's ledger heads) into .run/backups/<UTC>/
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync unionfed backup

test: lint  ## lint first (fails fast), then the whole suite against real Kafka and PostgreSQL
	bash deploy/local/ensure-python-env.sh
	bash deploy/local/s3.sh ensure  # the S3 tests' server, built once with cargo (minutes, not inside a test's timeout)
	uv run --no-sync pytest --durations=40  # the slowest tests named at the end: where CI time goes

unit:  ## only the tests without I/O
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync pytest -p no:tests.pytest_infra shared/tests/unit services/*/tests/unit tests/bench

lint:  ## ruff (rules, then format), mypy and the import boundaries, as pyproject.toml configures them; any finding fails
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync ruff check .
	uv run --no-sync ruff format --check .
	uv run --no-sync mypy
	uv run --no-sync lint-imports

soak:  ## the failure suite, long: SOAK_SEEDS seeds x SOAK_ROUNDS schedules per fault (own Kafka and PostgreSQL)
	bash deploy/local/ensure-python-env.sh
	set -e; for n in $$(seq 1 $${SOAK_SEEDS:-5}); do \
		seed=$${UNIONFED_CHAOS_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
		echo "soak: run $$n of $${SOAK_SEEDS:-5}, chaos seed $$seed"; \
		UNIONFED_CHAOS_SEED=$$seed UNIONFED_CHAOS_ROUNDS=$${SOAK_ROUNDS:-4} \
			uv run --no-sync pytest tests/chaos -x -q -s \
			|| { echo "soak: FAILED with chaos seed $$seed — rerun with UNIONFED_CHAOS_SEED=$$seed UNIONFED_CHAOS_ROUNDS=$${SOAK_ROUNDS:-4}"; exit 1; }; \
	done

bench:  ## the performance harness, short scenarios, three runs each, plus one greeting with crashes (own Kafka and PostgreSQL; under 15 minutes)
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync python -m bench --profile short

bench-long:  ## the issue's full sizes once each: 100,000-member greeting (clean, then with welfare and finance killed mid-chunk) and dues, million-event rebuild (under 30 minutes)
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync python -m bench --profile long

chart-check:  ## the Helm chart: helm lint, helm template (small and large values), kubeconform on pinned schemas
	bash deploy/helm/check.sh
