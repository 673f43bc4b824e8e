"""Filling a modal at the console: one prompt per input, submit, re-ask only the fields the bot rejected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.emulator.blocks import plain
from bot.emulator.modals import input_blocks, set_value
from bot.emulator.models import View
from bot.emulator.render import element_format, input_summary
from bot.emulator.view_state import options_of

if TYPE_CHECKING:
    from bot.emulator.console import DemoConsole


class ModalWalker:
    def __init__(self, console: DemoConsole) -> None:
        self.console = console

    async def maybe_walk(self) -> None:
        """Walk the current user's modal if it opened or changed since we last showed it."""
        view = self.console.emu.open_view(self.console.current)
        if view is not None and self.console.view_is_new(view):
            await self.walk(view)

    async def walk(self, view: View) -> None:
        c, emu, user = self.console, self.console.emu, self.console.current
        errors = emu.last_view_errors(user)
        c.show_view(view, errors=errors)
        inputs = input_blocks(view)
        if not inputs:
            c.say("(modal open: `press <n>` for its buttons, `cancel` to close it)")
            return
        ids = [str(b["block_id"]) for b in inputs]
        ask = set(ids)
        while True:
            for block in inputs:
                block_id = str(block["block_id"])
                if block_id in ask and not await self._ask(view, block, errors.get(block_id)):
                    c.say("(modal left open: `modal` to fill it again, `cancel` to close it)")
                    return
            answer = await c.read("submit? [Y/n] ")
            if answer is None:
                return
            if answer.strip().lower() in ("n", "no"):
                c.say("(modal left open: `modal` to fill it again, `cancel` to close it)")
                return
            await emu.submit(user, view)
            await emu.settle()
            errors = emu.last_view_errors(user)
            still = emu.open_view(user)
            if errors and still is not None and still.id == view.id:
                c.say("the form was not accepted:")
                labels = {str(b["block_id"]): plain(b.get("label")) for b in inputs}
                for block_id, message in errors.items():
                    c.say(f"  ⚠ {labels.get(block_id, block_id or 'form')}: {message}")
                ask = {b for b in errors if b in ids} or set(ids)
                continue
            c.say("(submitted)")
            await c.step()  # the bot may have updated or pushed a view; step shows it and walks again
            return

    async def _ask(self, view: View, block: dict[str, Any], error: str | None) -> bool:
        """Prompt for one input until it takes a valid answer; False on `!` or end of input."""
        c = self.console
        element = block["element"]
        label, kind, hint, _, current = input_summary(block, view.state_values, c.name_of)
        required = "" if block.get("optional") else " *"
        c.say(f"{label}{required}  ({kind}: {element_format(element)}; Enter keeps, - clears, ! stops)")
        if hint:
            c.say(f"  hint: {hint}")
        for number, option in enumerate(options_of(element), start=1):
            c.say(f"  {number}. {plain(option.get('text'))} ({option.get('value')})")
        if error:
            c.say(f"  ⚠ {error}")
        while True:
            answer = await c.read(f"  [{current}] > " if current else "  > ")
            if answer is None:
                return False
            answer = answer.strip()
            if answer == "!":
                return False
            if not answer and not current and not block.get("optional"):
                c.say("  (required: the Slack client will not submit without it)")
                continue
            if not answer:
                return True
            if answer == "-":
                value: Any = None
            elif kind == "plain_text_input" and element.get("multiline"):
                value = answer.replace("\\n", "\n")  # one console line, real newlines via \n
            else:
                value = c.parse_field(element, answer)
            try:
                set_value(c.emu.state, view, str(block["block_id"]), value)
                return True
            except (ValueError, KeyError) as exc:
                c.say(f"  ! {exc}")
