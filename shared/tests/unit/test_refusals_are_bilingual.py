"""Every refusal in the source says why in both languages, under a stable code.

An AST walk over each source root: a call of ``DomainError`` or any subclass (those of
``unionfed_shared.errors`` and the subclasses the roots define themselves) must name ``zh=`` and
``en=``, and so must every ``field_refusal(...)``. The old one-argument form ``Invalid("why")`` would
answer the bare category as its code and English to a Chinese caller. A pydantic validator refuses
with ``field_refusal`` too: a bare ``ValueError`` reaches the caller as an English-only ``value_error``.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

# Each tree converted to the bilingual form; a tree is added here when its refusals are.
SOURCE_ROOTS = [
    "shared/src",
    "services/membership/src",
    "services/finance/src",
    "services/welfare/src",
    "services/events/src",
]

BASE_REFUSALS = {"DomainError", "Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict"}
VALIDATORS = {"field_validator", "model_validator", "validator", "root_validator"}
BARE_ERRORS = {"ValueError", "AssertionError", "TypeError"}


def _python_files(root: str) -> list[Path]:
    return sorted((REPO / root).rglob("*.py"))


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def refusal_classes(trees: list[ast.Module]) -> set[str]:
    """The names of DomainError and every class in ``trees`` that derives from it, at any depth."""
    classes = {
        (node.name, tuple(filter(None, map(_base_name, node.bases))))
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    known = set(BASE_REFUSALS)
    while True:
        found = {name for name, bases in classes if name not in known and known.intersection(bases)}
        if not found:
            return known
        known |= found


def _imported_aliases(tree: ast.Module, refusals: set[str]) -> dict[str, str]:
    """``from unionfed_shared.errors import Invalid as Refused`` makes ``Refused`` a refusal too."""
    return {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name in refusals | {"field_refusal"}
    }


def unilingual_refusals(path: Path, refusals: set[str]) -> Iterator[str]:
    tree = _parse(path)
    aliases = _imported_aliases(tree, refusals)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _base_name(node.func)
        name = aliases.get(name, name) if name else None
        if name not in refusals and name != "field_refusal":
            continue
        keywords = {keyword.arg for keyword in node.keywords}
        if None in keywords:  # ``**texts``: cannot be judged here
            continue
        missing = sorted({"zh", "en"} - keywords)
        if missing or not node.args:
            what = f"missing {', '.join(missing)}" if missing else "no code"
            where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            yield f"{where}:{node.lineno}: {name}(...) {what}"


def _called_name(node: ast.expr) -> str | None:
    return _called_name(node.func) if isinstance(node, ast.Call) else _base_name(node)


def bare_validator_errors(path: Path) -> Iterator[str]:
    for node in ast.walk(_parse(path)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_called_name(decorator) in VALIDATORS for decorator in node.decorator_list):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Raise) and inner.exc is not None and _called_name(inner.exc) in BARE_ERRORS:
                where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
                yield f"{where}:{inner.lineno}: a validator raises {_called_name(inner.exc)}, not field_refusal"


@pytest.mark.parametrize("root", SOURCE_ROOTS)
def test_validators_refuse_with_a_code_in_both_languages(root):
    # Settings validators answer an operator at start-up (a CLI message), never an API caller.
    sources = [path for path in _python_files(root) if path.name != "settings.py"]
    found = [finding for path in sources for finding in bare_validator_errors(path)]
    assert not found, "\n".join(found)


def test_the_walk_finds_a_bare_validator_error(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "class Body(BaseModel):\n"
        "    @model_validator(mode='after')\n"
        "    def _rule(self):\n"
        "        raise ValueError('an award goes to one member or one team')\n"
        "    @field_validator('x')\n"
        "    def _ok(cls, value):\n"
        "        raise field_refusal('x', zh='x', en='x')\n"
    )
    assert [finding.split(": ", 1)[0].rsplit(":", 1)[1] for finding in bare_validator_errors(module)] == ["4"]


def test_the_walk_finds_a_unilingual_refusal(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "from unionfed_shared.errors import DomainError, Invalid as Refused, field_refusal\n"
        "class TooLarge(DomainError):\n    pass\n"
        "class MuchTooLarge(TooLarge):\n    pass\n"
        "def f():\n"
        "    raise Refused('the period is wrong')\n"
        "def g():\n"
        "    raise MuchTooLarge('too_large', zh='太大', en='too large')\n"
        "def h():\n"
        "    raise MuchTooLarge('too_large', en='too large')\n"
        "def k():\n"
        "    return field_refusal('x', en='x')\n"
    )
    refusals = refusal_classes([_parse(module)])
    assert {"TooLarge", "MuchTooLarge"} <= refusals
    found = list(unilingual_refusals(module, refusals))
    assert [finding.split(": ", 1)[0].rsplit(":", 1)[1] for finding in found] == ["7", "11", "13"]
    assert "missing en, zh" in found[0] and "missing zh" in found[1] and "missing zh" in found[2]


@pytest.mark.parametrize("root", SOURCE_ROOTS)
def test_every_refusal_has_a_code_and_both_languages(root):
    # Subclasses may live in shared (IdempotencyProblem) or in the root itself (RosterTooLarge).
    roots = {"shared/src", root}
    refusals = refusal_classes([_parse(path) for tree_root in roots for path in _python_files(tree_root)])
    files = _python_files(root)
    assert files, f"no python files under {root}"
    found = [finding for path in files for finding in unilingual_refusals(path, refusals)]
    assert not found, "refusals without a code and both zh= and en=:\n" + "\n".join(found)
