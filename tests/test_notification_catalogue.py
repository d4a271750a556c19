"""Every notification code the server emits has a title and a body in both front-end
catalogues (``frontend/src/i18n/notifications.ts``), so the English UI never shows a message in
Chinese (docs/architecture.md, "Notifications").

The codes are read from the source: the ``code=`` of every call to a ``notify`` function (both
branches of a conditional), and any code-shaped string passed to a helper whose name ends in
``notify``. A call that passes a computed code fails the test unless it forwards a parameter of
its own function (a helper such as ``micro_wishes._notify``, whose callers are scanned).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matchmaker

SRC = Path(matchmaker.__file__).parent
CATALOGUE = SRC.parents[1] / "frontend" / "src" / "i18n" / "notifications.ts"
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
KEY = re.compile(r"'notification\.([a-z_.]+)\.(title|body)':")


def _strings(node: ast.expr) -> list[str] | None:
    """The string values an expression can take, or None when it is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def emitted_codes(root: Path) -> tuple[set[str], list[str]]:
    codes: set[str] = set()
    computed: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not name.endswith("notify"):
                continue
            for keyword in call.keywords:
                if keyword.arg != "code":
                    continue
                values = _strings(keyword.value)
                if values is not None:
                    codes.update(values)
                    continue
                forwarded = isinstance(keyword.value, ast.Name) and any(
                    keyword.value.id in {a.arg for a in f.args.args + f.args.kwonlyargs}
                    and f.lineno <= call.lineno <= (f.end_lineno or f.lineno)
                    for f in functions
                )
                if not forwarded:
                    computed.append(f"{path.relative_to(root)}:{call.lineno}")
            for arg in call.args:
                values = _strings(arg) or []
                codes.update(v for v in values if CODE.match(v))
    return codes, computed


def catalogue_codes(text: str) -> dict[str, set[tuple[str, str]]]:
    """Per language, the (code, part) pairs the catalogue defines."""
    zh, _, en = text.partition("export const notificationsEn")
    return {
        lang: {(m.group(1), m.group(2)) for m in KEY.finditer(part)}
        for lang, part in (("zh", zh), ("en", en))
    }


def test_the_scan_reads_literal_conditional_and_helper_codes(tmp_path):
    (tmp_path / "m.py").write_text(
        "async def _notify(sc, ids, code, text):\n"
        "    await notify(sc, ids, code=code, text=text)\n"
        "async def f(sc, ok):\n"
        "    await notify(sc, [1], code='a.b' if ok else 'a.c', text='x')\n"
        "    await _notify(sc, [1], 'd.e', '中文')\n"
        "    await notify(sc, [1], code=make_code(), text='x')\n",
        encoding="utf-8",
    )
    codes, computed = emitted_codes(tmp_path)
    assert codes == {"a.b", "a.c", "d.e"}
    assert computed == ["m.py:6"]


def test_every_emitted_notification_code_is_in_both_catalogues():
    codes, computed = emitted_codes(SRC)
    assert computed == []  # every code is visible to this test
    assert len(codes) >= 30  # the scan found the services' calls
    defined = catalogue_codes(CATALOGUE.read_text(encoding="utf-8"))
    for lang in ("zh", "en"):
        missing = sorted(
            f"{code}.{part}"
            for code in codes
            for part in ("title", "body")
            if (code, part) not in defined[lang]
        )
        assert missing == [], f"{lang}: no catalogue entry for {missing}"
