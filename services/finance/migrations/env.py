from unionfed_finance.adapters.tables import metadata
from unionfed_shared.migrations import run_env

run_env(metadata)
