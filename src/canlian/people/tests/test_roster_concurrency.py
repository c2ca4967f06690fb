"""Two roster imports updating the same persons at once: neither deadlocks (each locks its
persons in id order before writing); a deadlock that still happens rolls the loser back
whole with a message to run it again. Real transactions on two connections."""

import contextlib
import io
import threading

import pytest
from django.db import connection
from openpyxl import Workbook

from canlian.people import roster
from canlian.people.models import Person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite lets one writer in at a time (and the in-memory test database refuses a second).
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks"),
]


def _workbook(people, name: str, village: str) -> io.BytesIO:
    wb = Workbook()
    sheet = wb.worksheets[0]
    sheet.append(["姓名", "公民身份号码", "村（社区）代码"])
    for person in people:
        sheet.append([name, person.resident_id, village])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _overlapping_imports(users, regions, make_person, monkeypatch):
    """Run two imports of the same 20 persons, in opposite orders, four chunks each, both
    pausing after their first chunk until the other has written its own first chunk (or
    three seconds passed): the interleaving that deadlocked."""
    people = [make_person(name=f"原{i}") for i in range(20)]
    monkeypatch.setattr(roster, "CHUNK", 5)
    barrier = threading.Barrier(2)
    original = roster._Writer.chunk
    first = threading.local()

    def write_then_wait(*args, **kwargs):
        original(*args, **kwargs)
        if not getattr(first, "done", False):
            first.done = True
            # A broken barrier: the other import is waiting for our locks; carry on.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)

    monkeypatch.setattr(roster._Writer, "chunk", write_then_wait)
    outcomes: dict[str, str] = {}

    def run(label: str, order) -> None:
        try:
            roster.import_persons(users.township, _workbook(order, label, regions.v1a.code))
            outcomes[label] = "ok"
        except roster.RosterError as exc:
            outcomes[label] = str(exc)
        except Exception as exc:
            outcomes[label] = f"error:{type(exc).__name__}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=("甲", people)),
               threading.Thread(target=run, args=("乙", people[::-1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_overlapping_update_rosters_do_not_deadlock(users, regions, make_person, monkeypatch):
    outcomes = _overlapping_imports(users, regions, make_person, monkeypatch)
    assert outcomes == {"甲": "ok", "乙": "ok"}
    names = set(Person.objects.values_list("name", flat=True))
    assert len(names) == 1 and names <= {"甲", "乙"}  # one whole roster won, the other after it


def test_a_deadlock_that_still_happens_says_run_it_again(users, regions, make_person,
                                                         monkeypatch):
    monkeypatch.setattr(roster, "_lock_existing", lambda sheet: (None, None))  # as before the fix
    outcomes = _overlapping_imports(users, regions, make_person, monkeypatch)
    assert sorted(outcomes.values())[0] == "ok"
    loser = sorted(outcomes.values())[1]
    assert loser.startswith("与同时进行的另一项操作冲突，本次导入已整体撤销，请重新导入")
    assert "请重新导入" in loser
    names = set(Person.objects.values_list("name", flat=True))
    assert len(names) == 1  # the loser left nothing behind
