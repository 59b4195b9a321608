"""Sentences that name atoms, kept as a template plus atom indices so that every output numbers them its own way.

The chemistry layer never bakes an atom number into a sentence: it writes an :class:`AtomText`, a template with
positional atom slots (``{0}``, ``{1}``, ...) and the 0-based RDKit indices of those atoms in the caller's molecule.
An :class:`AtomText` *is* a ``str`` whose value reads in the library's numbering (:data:`LIBRARY_NUMBERING`, what
``.to_dict()`` and the single-molecule commands show), so code that only prints it needs nothing special. An output
with its own numbering formats it once with :meth:`AtomText.numbered` (``reactivity annotate``: 1-based numbers of
the record's atom block, or a V3000 record's own atom numbers).

>>> text = AtomText("N4 (atom {0}) is carbamate: no pKaH predicted for this class", (3,))
>>> str(text)
'N4 (atom 3) is carbamate: no pKaH predicted for this class'
>>> record = text.numbered(lambda index: index + 1)
>>> str(record), record.template == text.template, record.atoms
('N4 (atom 4) is carbamate: no pKaH predicted for this class', True, (4,))
>>> site = AtomText("carbamate@{0}", (15,))
>>> warning = compose("labile group elsewhere: {}", site)
>>> str(warning), warning.template, warning.atoms
('labile group elsewhere: carbamate@15', 'labile group elsewhere: carbamate@{0}', (15,))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from string import Formatter
from typing import Any

LIBRARY_NUMBERING = "0-based RDKit atom indices of the input molecule (explicit hydrogens and counter-ions included)"
"""How the library's results number atoms (every ``atom``/``atoms`` field and every :class:`AtomText`)."""

_FORMATTER = Formatter()


def _escape(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


class AtomText(str):
    """A sentence naming atoms: ``template`` with positional slots ``{0}``, ``{1}``... and ``atoms``, one number per
    slot. Its ``str`` value is the template formatted with ``atoms`` (0-based indices in the library's results).

    Immutable and picklable; equal to (and hashed as) its text, like any ``str``.

    >>> AtomText("the proton sits on atom {0}, {1}", (5, 9)) == "the proton sits on atom 5, 9"
    True
    >>> import pickle; pickle.loads(pickle.dumps(AtomText("x@{0}", (2,)))).atoms
    (2,)
    """

    template: str
    atoms: tuple[int, ...]

    def __new__(cls, template: str, atoms: Iterable[int] = ()) -> AtomText:
        numbers = tuple(int(a) for a in atoms)
        self = super().__new__(cls, template.format(*numbers))
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "atoms", numbers)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"AtomText is immutable (cannot set {name!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (AtomText, (self.template, self.atoms))

    def numbered(self, number: Callable[[int], int]) -> AtomText:
        """The same sentence with every atom renumbered by ``number`` (0-based index -> the output's number)."""
        return AtomText(self.template, [number(a) for a in self.atoms])


def _shifted(template: str, offset: int) -> str:
    """``template`` with every slot number raised by ``offset`` (literal braces kept escaped)."""
    out: list[str] = []
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        out.append(_escape(literal))
        if field is not None:
            out.append("{" + str(int(field) + offset) + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}")
    return "".join(out)


def compose(template: str, *parts: Any) -> str:
    """``template.format(*parts)`` that keeps the atoms of every :class:`AtomText` part (an :class:`AtomText` when a
    part names atoms, a plain ``str`` otherwise). ``template`` uses ``{}`` or ``{n}`` slots without format specs.

    >>> compose("{} possible at {} (not quantified)", "intramolecular_aminolysis", AtomText("amine@{0}->C2", (12,))).atoms
    (12,)
    >>> type(compose("{} at {}", "a", "b")).__name__
    'str'
    """
    if not any(isinstance(part, AtomText) for part in parts):
        return template.format(*parts)
    pieces: list[str] = []
    atoms: list[int] = []
    automatic = 0
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        pieces.append(_escape(literal))
        if field is None:
            continue
        if field == "":
            index, automatic = automatic, automatic + 1
        else:
            index = int(field)
        part = parts[index]
        if isinstance(part, AtomText):
            pieces.append(_shifted(part.template, len(atoms)))
            atoms.extend(part.atoms)
        else:
            value = _FORMATTER.convert_field(part, conversion) if conversion else part
            pieces.append(_escape(format(value, spec or "")))
    return AtomText("".join(pieces), atoms)


def join(separator: str, parts: Iterable[Any]) -> str:
    """``separator.join(parts)`` keeping the atoms of :class:`AtomText` parts.

    >>> joined = join(", ", [AtomText("ester (atom {0})", (4,)), "amide", AtomText("amine (atom {0})", (7,))])
    >>> str(joined), joined.atoms
    ('ester (atom 4), amide, amine (atom 7)', (4, 7))
    """
    items = list(parts)
    return compose(separator.replace("{", "{{").replace("}", "}}").join(["{}"] * len(items)), *items)


def atom_list(atoms: Iterable[int], separator: str = ", ") -> AtomText:
    """Several atoms named in a row: ``5, 9`` in the library's numbering.

    >>> atom_list((5, 9)).template
    '{0}, {1}'
    """
    numbers = tuple(atoms)
    return AtomText(_escape(separator).join("{" + str(i) + "}" for i in range(len(numbers))), numbers)


#: Plain strings and numbers (most values of a document): :func:`numbered` keeps them as they are, in line.
_KEPT = frozenset((str, float, int, bool, type(None)))


def numbered(value: Any, number: Callable[[int], int]) -> Any:
    """Every :class:`AtomText` inside a JSON-ready value (dicts, lists, tuples walked) renumbered by ``number``;
    every other value returned as it is. Used by outputs with their own atom numbering.

    >>> numbered({"notes": ["plain", AtomText("atom {0}", (0,))], "n": 3}, lambda i: i + 1)
    {'notes': ['plain', 'atom 1'], 'n': 3}
    """
    kind = type(value)  # exact built-in types first (nearly every value), subclasses below
    if kind in _KEPT:
        return value
    if kind is dict:
        return _numbered_dict(value, number)
    if kind is list or kind is tuple:
        return _numbered_list(value, number)
    if isinstance(value, AtomText):
        return value.numbered(number)
    if isinstance(value, dict):
        return _numbered_dict(value, number)
    if isinstance(value, (list, tuple)):
        return _numbered_list(value, number)
    return value


def _numbered_dict(value: dict[Any, Any], number: Callable[[int], int]) -> dict[Any, Any]:
    return {key: item if type(item) in _KEPT else numbered(item, number) for key, item in value.items()}


def _numbered_list(value: Iterable[Any], number: Callable[[int], int]) -> list[Any]:
    return [item if type(item) in _KEPT else numbered(item, number) for item in value]


__all__ = ["LIBRARY_NUMBERING", "AtomText", "atom_list", "compose", "join", "numbered"]
