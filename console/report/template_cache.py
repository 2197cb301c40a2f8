"""Compiled report templates kept between runs, so an export does not compile them each time.

Compiling the report's templates takes about 0.1 s, a tenth of a 10,000-item export. Jinja2's
own bytecode cache keeps them in a folder only the user can use (in the system's temporary
folder); a template whose source changed is compiled again. The cache is only ever a shortcut:
when it cannot be read or written (a full disk, a read-only folder), templates are compiled as
if it were not there, and the export goes on.
"""

from __future__ import annotations

import contextlib

import jinja2
from jinja2.bccache import Bucket


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's bytecode cache in its default folder, never failing an export."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Load a compiled template, if the cache has it and it can be read."""
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a compiled template, if the cache can be written."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache() -> TemplateCache | None:
    """Return the cache of compiled templates, or None where no private folder can hold it."""
    try:
        return TemplateCache()
    except (OSError, RuntimeError):  # Jinja2 refuses a folder others could write to
        return None
