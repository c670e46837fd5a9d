"""Compound bodies in tree-sitter-bash trees: which commands are alone in one, which are empty.

bash refuses a compound command whose body holds no command (``if x; then fi``,
``while x; do done``, ``{ }``: "syntax error near unexpected token"), while
tree-sitter-bash parses them without an error node. So a fix that removes the only
command of a body would turn a working script into one bash rejects, and the parser
would not notice. :func:`sole_in_body` lets a parser give such a command no removal
span; :func:`empty_bodies` reports bodies that are empty already (PS900, as ``bash -n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# keyword that opens a body -> what may end it (a keyword, or an elif/else clause node)
_CLOSERS = {
    "then": ("elif", "else", "fi", "elif_clause", "else_clause"),
    "else": ("fi",),
    "do": ("done",),
    "{": ("}",),
    "(": (")",),
}
COMPOUNDS = frozenset(
    {"if_statement", "elif_clause", "else_clause", "do_group", "compound_statement", "subshell"}
)
# nodes that wrap a command without being a separate statement of the body
_WRAPPERS = frozenset({"redirected_statement", "negated_command"})


def bodies(node: Any) -> Iterator[tuple[str, Any, list[Any]]]:
    """(opening keyword, its node, the statements of the body) of each body of a compound
    node; comments are not statements (bash still finds the body empty)."""
    opener: str | None = None
    keyword: Any = None
    statements: list[Any] = []
    for child in node.children:
        kind = child.type
        if opener is None:
            if kind in _CLOSERS and not child.is_named:
                opener, keyword, statements = kind, child, []
        elif kind in _CLOSERS[opener]:
            yield opener, keyword, statements
            opener = None
        elif child.is_named and kind != "comment":
            statements.append(child)
    if opener is not None:
        yield opener, keyword, statements  # an else/elif clause: the if holds its "fi"


def sole_in_body(command: Any) -> bool:
    """Whether ``command`` is the whole of the only statement of a compound's body."""
    statement = command
    while statement.parent is not None and statement.parent.type in _WRAPPERS:
        statement = statement.parent
    parent = statement.parent
    if parent is None or parent.type not in COMPOUNDS:
        return False
    for _opener, _keyword, statements in bodies(parent):
        if any(s.id == statement.id for s in statements):
            return len(statements) == 1
    return False


def empty_bodies(root: Any) -> Iterator[Any]:
    """The opening keyword of every empty body in the tree (bash rejects each)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in COMPOUNDS:
            for _opener, keyword, statements in bodies(node):
                if not statements:
                    yield keyword
        stack.extend(node.children)
