"""Messages are written once, in English, and translated: no new "中文 (english)" strings.

About 270 messages used to carry both languages in one string, so the Chinese page showed
"(the person has died)" and the English page showed Chinese. They are now gettext msgids
with the Chinese in ``locale/zh_Hans``. This test reads the source with ``ast`` and counts
the string literals (plain and f-strings, docstrings excepted) that still hold Chinese
followed by a parenthesised English phrase. ``REMAINING`` lists each file's count today: a
ratchet, a count may only go down (lower it when you translate one) and a new file is
refused.

Most of what remains is in the pure rule modules (no Django import allowed), whose
explanations are built as "zh"/"en" pairs or returned to views that show them; and in
command-line output and audit summaries, which are not pages.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from canlian.core.conventions import checked

ROOT = Path(__file__).resolve().parents[2]  # src/canlian
BILINGUAL = re.compile(r"[\u4e00-\u9fff][^()（）]*[(（]\s*[a-z][a-z ,;:'’-]{2,}")

# None left: the last ones (the subsidy rule files' errors, benefits/rulesets.py) were
# converted to msgids in issue 23. A new file with such a string is refused.
REMAINING: dict[str, int] = {}


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def bilingual_strings(source: str) -> int:
    """How many string literals in ``source`` read "中文 (english …"."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
            for v in node.values:
                skip.add(id(v))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        count += bool(BILINGUAL.search(text))
    return count


def counts() -> Counter[str]:
    found: Counter[str] = Counter()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if checked(rel):
            n = bilingual_strings(path.read_text(encoding="utf-8"))
            if n:
                found[rel] = n
    return found


def test_the_check_sees_a_bilingual_message():
    assert bilingual_strings('x = "该人员已去世 (the person has died)"') == 1
    assert bilingual_strings('x = f"已生成 {n} 条 (generated {n} lines)"') == 1
    assert bilingual_strings('x = gettext("The person has died")') == 0
    assert bilingual_strings('"""低保 (minimum living allowance) is a docstring."""') == 0


def test_no_new_bilingual_messages():
    found = counts()
    grown = {f: (n, REMAINING.get(f, 0)) for f, n in found.items() if n > REMAINING.get(f, 0)}
    assert not grown, ("Write the message in English with gettext and put the Chinese in "
                       f"locale/zh_Hans (file: (found, allowed)): {grown}")
    lower = {f: (found.get(f, 0), n) for f, n in REMAINING.items() if found.get(f, 0) < n}
    assert not lower, f"Fewer bilingual strings now: lower REMAINING to {lower}"
