"""``unionfed welfare …``"""

from unionfed_welfare.entrypoints.app import definition
from unionfed_shared.cli import service_cli

cli = service_cli(definition)
