"""Every action code the services write to the audit log has a phrase in both front-end
catalogues (``frontend/src/i18n/auditLog.ts``), so the audit log page never shows a bare code
(docs/oversight.md, "The audit log page").

An audit event is a call to ``record`` with both ``action=`` and ``subject_type=`` keywords
(``audit.record``, and ``record`` inside ``services/audit.py``). Its action is read from the
source: a literal, both branches of a conditional, or — when the call forwards a parameter of
its own function (a helper such as ``projects._audit``) — every code-shaped string passed to
that helper in the same module. Any other computed action fails the test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matchmaker

SRC = Path(matchmaker.__file__).parent
CATALOGUE = SRC.parents[1] / "frontend" / "src" / "i18n" / "auditLog.ts"
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
KEY = re.compile(r"'auditAction\.([a-z_.]+)':")
LISTED = re.compile(r"export const AUDIT_ACTIONS = \[(.*?)\]", re.S)


def _strings(node: ast.expr) -> list[str] | None:
    """The string values an expression can take, or None when it is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def recorded_actions(root: Path) -> tuple[set[str], list[str]]:
    codes: set[str] = set()
    computed: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        helpers: set[str] = set()
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for call in calls:
            keywords = {k.arg: k.value for k in call.keywords}
            if _name(call.func) != "record" or not {"action", "subject_type"} <= set(keywords):
                continue
            action = keywords["action"]
            values = _strings(action)
            if values is not None:
                codes.update(values)
                continue
            enclosing = [
                f
                for f in functions
                if f.lineno <= call.lineno <= (f.end_lineno or f.lineno)
                and isinstance(action, ast.Name)
                and action.id
                in {a.arg for a in f.args.posonlyargs + f.args.args + f.args.kwonlyargs}
            ]
            if enclosing:
                helpers.update(f.name for f in enclosing)
            else:
                computed.append(f"{path.relative_to(root)}:{call.lineno}")
        for call in calls:
            if _name(call.func) not in helpers:
                continue
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                codes.update(v for v in _strings(arg) or [] if CODE.match(v))
    return codes, computed


def catalogue_codes(text: str) -> dict[str, set[str]]:
    """Per language, the action codes the catalogue defines a phrase for."""
    zh, _, en = text.partition("export const auditLogEn")
    zh = zh.partition("export const auditLogZh")[2]
    return {
        lang: {m.group(1) for m in KEY.finditer(part)} for lang, part in (("zh", zh), ("en", en))
    }


def test_the_scan_reads_literal_conditional_and_helper_actions(tmp_path):
    (tmp_path / "m.py").write_text(
        "async def _audit(sc, action, row):\n"
        "    await audit.record(sc, action=action, subject_type='X', subject_id=row.id)\n"
        "async def f(sc, ok, row):\n"
        "    await audit.record(sc, action='a.b' if ok else 'a.c', subject_type='X', subject_id=1)\n"
        "    await _audit(sc, 'd.e', row)\n"
        "    await audit.record(sc, action=make(), subject_type='X', subject_id=1)\n"
        "    await other(sc, 'not.an_event')\n",
        encoding="utf-8",
    )
    codes, computed = recorded_actions(tmp_path)
    assert codes == {"a.b", "a.c", "d.e"}
    assert computed == ["m.py:6"]


def test_every_recorded_action_has_a_phrase_in_both_catalogues_and_the_filter_list():
    codes, computed = recorded_actions(SRC)
    assert computed == []  # every action is visible to this test
    assert len(codes) >= 100  # the scan found the services' calls
    text = CATALOGUE.read_text(encoding="utf-8")
    defined = catalogue_codes(text)
    for lang in ("zh", "en"):
        missing = sorted(codes - defined[lang])
        assert missing == [], f"{lang}: no phrase for {missing}"
    listed_block = LISTED.search(text)
    assert listed_block is not None
    listed = set(re.findall(r"'([a-z_.]+)'", listed_block.group(1)))
    assert sorted(codes - listed) == [], "AUDIT_ACTIONS (the action filter) lacks these codes"
