"""Generated code of the channel handlers: the source of the delivery loop, and how a template becomes a function.

The channel handlers (:mod:`.public_channels_handler`) generate the code of their hot path, as ``dataclasses`` and
:mod:`bfxapi.types.labeler` do: straight-line code with nothing looked up per frame that could be looked up once.
This module holds what that generation needs, and imports nothing of the handlers (they import it).
"""

import linecache
import textwrap
from typing import Any, Callable

__all__ = ["DELIVER", "compile_function", "fill"]

# The one source of the delivery loop: PublicChannelHandler._deliver is generated from it, and so is the inline copy
# in each fast path. A callback's exception goes to the emitter (logged, callback_error) and the next callback is
# still called; a result other than None (a coroutine) goes to the emitter too; the sinks come after the callbacks.
DELIVER = """\
for callback in self.callbacks[event]:
    try:
        result = callback(self.subscription, item)
    except Exception as error:
        self.failed(event, error)
    else:
        if result is not None:
            self.returned(event, result)
if self.sinks:  # (a test is cheaper than an empty loop, which allocates its iterator)
    for sink in self.sinks:
        sink(event, item)
return"""


def compile_function(source: str, names: dict[str, Any], qualname: str) -> Callable[..., None]:
    """The function ``source`` defines (its names given as closure variables, which read faster than globals).

    Its code is filed under ``<bfxapi generated QUALNAME>``, with its source in :mod:`linecache`: a traceback
    through it (a user's callback that raised, logged with its traceback) names it and shows its lines."""
    name = qualname.rsplit(".", 1)[-1]  # the name ``source`` defines
    source = f"def make({', '.join(names)}):\n" + textwrap.indent(source.strip("\n"), "    ") + f"\n    return {name}\n"
    filename = f"<bfxapi generated {qualname}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)  # pylint: disable=exec-used
    function: Callable[..., None] = namespace["make"](**names)
    function.__qualname__ = qualname
    return function


def fill(template: str, **parts: str) -> str:
    """``template`` with each ``{part}`` replaced by its lines, indented as the placeholder is."""
    lines = []
    for line in template.split("\n"):
        stripped = line.strip()
        if stripped.startswith("{") and stripped.endswith("}") and stripped[1:-1] in parts:
            lines.append(textwrap.indent(parts[stripped[1:-1]], line[: len(line) - len(line.lstrip())]))
        else:
            lines.append(line)
    return "\n".join(lines)
