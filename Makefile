# The two commands of the README, and their helpers.
.PHONY: up down test unit

up:    ## run the platform with its demo federation (installs what is missing)
	bash deploy/local/platform.sh up

down:  ## stop everything; committed data stays in .run/dev
	bash deploy/local/platform.sh down

test:  ## the whole suite against real Kafka and PostgreSQL
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync pytest

unit:  ## only the tests without I/O
	bash deploy/local/ensure-python-env.sh
	uv run --no-sync pytest -p no:tests.pytest_infra shared/tests/unit services/*/tests/unit
