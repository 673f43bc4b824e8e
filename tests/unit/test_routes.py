"""Every ``/duban`` command type has a route: a subcommand the parser knows can't silently answer
"not ready" because its handler was never wired."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.domain import admin_commands, commands
from bot.domain.command_parser import parse_command
from bot.domain.command_words import SUBCOMMANDS
from bot.domain.settings_command import QuietSetting
from handlers.commands import ROUTES

# Parsed by their own modules (administration, personal settings), outside the Command union.
OTHER_COMMANDS = (
    admin_commands.RoleCommand,
    admin_commands.ListRoles,
    admin_commands.ListDepartments,
    admin_commands.ChangeDepartments,
    QuietSetting,
)

# One valid text per subcommand the parser knows (a new subcommand fails the test until it has one).
SAMPLES = {
    "help": "help",
    "assign": "assign <@U0A> Budget review due 12-31",
    "new": "new",
    "list": "list overdue",
    "show": "show 12",
    "report": "report 12",
    "review": "review 12",
    "call": "call 12",
    "meeting": "meeting 12",
    "archive": "archive 12",
    "urge": "urge 12",
    "extend": "extend 12 12-31 waiting for the audit",
    "instruct": "instruct 12 Finish before Monday",
    "bulletin": "bulletin week",
    "export": "export month",
    "lang": "lang en",
    "holiday": "holiday list 2027",
    "withdraw": "withdraw 12 not needed",
    "edit": "edit 12",
    "reassign": "reassign 12 <@U0B>",
    "role": "role grant <@U0A> leader",
    "roles": "roles",
    "dept": "dept",
    "settings": "settings quiet 22:00-08:00",
}


def test_every_command_type_has_a_route() -> None:
    command_types = {*get_args(commands.Command), *OTHER_COMMANDS}
    assert set(ROUTES) == command_types, {
        "without a route": sorted(t.__name__ for t in command_types - set(ROUTES)),
        "routes for no command type": sorted(t.__name__ for t in set(ROUTES) - command_types),
    }


def test_every_subcommand_has_a_sample() -> None:
    assert set(SAMPLES) == set(SUBCOMMANDS.values())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_subcommand_parses_to_a_routed_type(name: str) -> None:
    parsed = parse_command(SAMPLES[name])
    assert type(parsed) in ROUTES, f"{SAMPLES[name]!r} parses to {type(parsed).__name__}, which has no route"
