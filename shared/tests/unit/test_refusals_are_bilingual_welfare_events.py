"""Every refusal in welfare and events names a stable code and says why in Chinese and in English.

A walk over the source (no import, no database): a call of a refusal class (``Invalid``, ``Conflict``,
…, or a local subclass) must pass ``zh=`` and ``en=``; a pydantic validator refuses with
``field_refusal`` (its own code, both languages), never a bare ``ValueError`` that reaches the caller
as an English-only ``value_error``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "services/welfare/src", ROOT / "services/events/src"]
REFUSALS = {"DomainError", "Invalid", "Conflict", "NotFound", "Forbidden", "Unauthorized"}
VALIDATORS = {"field_validator", "model_validator", "validator", "root_validator"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _name(node.func)
    return None


def _refusal_classes(trees: list[ast.Module]) -> set[str]:
    names, grown = set(REFUSALS), True
    while grown:  # a subclass of a subclass counts too
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    if any(_name(base) in names for base in node.bases):
                        names.add(node.name)
                        grown = True
    return names


def _findings(path: Path, tree: ast.Module, refusals: set[str]) -> list[str]:
    found = []
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in refusals:
            given = {keyword.arg for keyword in node.keywords}
            if not {"zh", "en"} <= given:
                found.append(f"{where}:{node.lineno} {_name(node.func)}(…) without zh= and en=")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            _name(decorator) in VALIDATORS for decorator in node.decorator_list
        ):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Raise) and inner.exc is not None and _name(inner.exc) in (
                    "ValueError", "AssertionError", "TypeError"
                ):
                    found.append(f"{where}:{inner.lineno} a validator raises {_name(inner.exc)}, not field_refusal")
    return found


def _parsed(root: Path) -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in sorted(root.rglob("*.py"))]


@pytest.mark.parametrize("root", SOURCES, ids=lambda root: root.parent.name)
def test_every_refusal_has_a_code_and_both_languages(root: Path):
    parsed = _parsed(root)
    assert parsed, f"no source under {root}"
    refusals = _refusal_classes([tree for _, tree in parsed])
    findings = [line for path, tree in parsed for line in _findings(path, tree, refusals)]
    assert not findings, "refusals without a code in both languages:\n" + "\n".join(findings)


def test_the_walk_catches_the_old_form_and_a_bare_validator_error():
    source = '''
class Late(Conflict):
    pass

def f():
    raise Invalid("the period ends before it starts")

def g():
    raise Late("late", zh="晚了")

def h():
    raise Invalid("ok", zh="好", en="ok")

class Body(BaseModel):
    @model_validator(mode="after")
    def _rule(self):
        raise ValueError("an award goes to one member or one team")
'''
    tree = ast.parse(source)
    refusals = _refusal_classes([tree])
    findings = _findings(ROOT / "x.py", tree, refusals)
    assert sorted(line.split(" ", 1)[0] for line in findings) == ["x.py:17", "x.py:6", "x.py:9"]
