from unionfed_shared.migrations import run_env
from unionfed_welfare.adapters.tables import metadata

run_env(metadata)
