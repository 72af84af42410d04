"""``unionfed events …``"""

from unionfed_events.adapters.record_chains import RecordChainRepository
from unionfed_events.entrypoints.app import definition
from unionfed_shared.cli import service_cli
from unionfed_shared.record_chain.entrypoints import add_record_chain_commands

cli = service_cli(definition)


add_record_chain_commands(
    cli, definition, RecordChainRepository, covers="信息报送 items, evaluation results, 师德 lists"
)
