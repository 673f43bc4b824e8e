"""Start-up skips Alembic when the database stands at head; the head it compares with must be Alembic's."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from storage.migrate import alembic_config, head_revisions


def test_the_heads_read_from_the_script_headers_are_alembics_heads() -> None:
    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads())
