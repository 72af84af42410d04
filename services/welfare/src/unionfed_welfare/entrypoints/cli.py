"""``unionfed welfare …``"""

from unionfed_shared.cli import service_cli
from unionfed_welfare.entrypoints import greetings_cli
from unionfed_welfare.entrypoints.app import definition

cli = service_cli(definition)
greetings_cli.register(cli)
