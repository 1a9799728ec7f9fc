"""Diagnostics: what went wrong, where, and what to do about it.

Every stage reports problems as `Diagnostic` values into a `Diagnostics` collector instead of
raising at the first one, so an editor sees every mistake of a build at once. The format is
the compiler one editors' tools already understand: ``path:line: error: message [code]``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; `line` is 1-based, 0 when the whole file is meant."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


CONTROL_ESCAPES = {**{c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7f, 0xa0))},
            0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r"}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location | None = None
    hint: str | None = None

    def format(self) -> str:
        """Return the diagnostic as one line plus an optional indented hint line.

        Control characters a file's name or value brings along are written as escapes, so a
        message stays on its line and cannot steer the terminal or the CI log.
        """
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}: {self.message} [{self.code}]".translate(CONTROL_ESCAPES)
        if self.hint:
            text += f"\n  hint: {self.hint.translate(CONTROL_ESCAPES)}"
        return text

    def sort_key(self) -> tuple:
        loc = self.location or Location("")
        return (loc.path, loc.line, self.code, self.message)


@dataclass
class Diagnostics:
    """Collects the diagnostics of a run; stages add to it and the caller decides to stop."""

    items: list[Diagnostic] = field(default_factory=list)
    allowed: int = 0   # warnings left out because the file allows them (`allow`)

    def error(self, code: str, message: str, location: Location | None = None,
              hint: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, location, hint))

    def warning(self, code: str, message: str, location: Location | None = None,
                hint: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.WARNING, code, message, location, hint))

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Return the diagnostics once each, ordered by file, line and code."""
        return sorted(set(self.items), key=Diagnostic.sort_key)

    def allow(self, allowances: dict[str, dict[str, int]]) -> None:
        """Leave out the warnings a file allows, and warn of allowances nothing needs.

        `allowances` maps a file to the warning codes it allows and the line saying so (a
        ``# sitegen: allow field.phone`` comment): an editor who has checked an odd value, say
        a phone number that is wrong at its source, keeps it without failing ``--strict``.
        """
        used = set()
        kept = []
        for d in self.items:
            path = d.location.path if d.location else None
            if d.severity is Severity.WARNING and d.code in allowances.get(path, {}):
                used.add((path, d.code))
                self.allowed += 1
            else:
                kept.append(d)
        self.items = kept
        for path, codes in allowances.items():
            for code, line in codes.items():
                if (path, code) not in used:
                    self.warning("allow.unused", f"allow: '{code}' is allowed, but the file has no "
                                 "such warning", Location(path, line), "remove the allowance")

    def promote_warnings(self) -> None:
        """Turn every warning into an error (``--strict``)."""
        self.items = [Diagnostic(Severity.ERROR, d.code, d.message, d.location, d.hint)
                      for d in self.items]


class BuildFailed(Exception):
    """A stage found errors; `diagnostics` holds all of them."""

    def __init__(self, diagnostics: Diagnostics, exit_code: int = 1):
        super().__init__(f"{sum(d.severity is Severity.ERROR for d in diagnostics.items)} error(s)")
        self.diagnostics = diagnostics
        self.exit_code = exit_code


def did_you_mean(word: str, choices) -> str | None:
    """Return a "did you mean" hint for the closest of `choices`, if one is close."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def display_path(path: Path, root: Path) -> str:
    """Return `path` relative to the project root with POSIX separators, as messages show it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
