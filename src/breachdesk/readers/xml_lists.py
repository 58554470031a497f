"""The lists of records in an XML export, each a table (``readers.xml``).

A list is a run of sibling elements of one tag (``<Patient>``, ``<row>``, ``<Table>``), each
a record whose attributes, leaf children or named ``<field>`` elements are its cells. Exports
often hold more than one: a ``<Patients>`` list beside a ``<Results>`` list pointing at it by
``patientRef``, a ``mysqldump --xml`` of a patients table and a tests table, a .NET DataSet of
two DataTables. Each is read as a table of its own, named ``table:<name>!`` as a database
dump's tables are, so the joins of ``detect.relations`` give each result to the person its key
names; read as one list, the patients were pooled into one row with everyone's results.

A list nested in a record (a patient's ``<Results>``) is that record's, kept in its row. A
list whose records only wrap lists of people (``<Batch>`` around ``<Patients>``,
``<table_data>`` around ``<row>``s) is passed through to the lists inside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.readers.base import Table
from breachdesk.readers.json_doc import names_a_person
from breachdesk.readers.xml_fields import (
    copy_without,
    document,
    fields,
    fields_of_one,
    local_name,
    named_fields,
    rows,
)

# How many lists deep a wrapper is looked through (a database of tables of rows is two).
_WRAPPER_DEPTH = 6
# How many of a list's records tell whether they are rows or wrap lists of rows.
_SAMPLE = 32
# A parent's attribute naming the table its records are the rows of (``<table_data
# name="pat_master">``), where the parent holds nothing else.
_TABLE_NAME_KEYS = ("name", "table", "tablename")
# A key's share of an events list's values found among a people list's (``detect.relations``
# asks the same of the tables it joins).
_CONTAINED = 0.9


@dataclass
class _List:
    name: str
    records: list[Element] = field(default_factory=list)
    parents: int = 0


def most_repeated(tops: list[Element]) -> tuple[Element, str] | None:
    """The element (in or below ``tops``) with the most children of one tag, and the tag, when
    there are two or more; the first such element in document order on a tie."""
    best: tuple[int, Element, str] | None = None
    for top in tops:
        for parent in top.iter():
            if len(parent) > 1:
                tag, n = Counter(str(child.tag) for child in parent).most_common(1)[0]
                if fields_of_one(parent, tag):
                    continue
                if best is None or n > best[0]:
                    best = (n, parent, tag)
    return None if best is None or best[0] < 2 else (best[1], best[2])


def tables(root: Element) -> list[Table] | None:
    """A table per list of an export of several lists (or of one list split among wrappers)
    when one names people and they are not one person's document; else None: the file is
    read as one list (``readers.xml``)."""
    top = _top(root, 0)
    if len(top) < 2:
        return None  # one list (read as before) or none
    found = _merged(root, top)
    if len(found) == 1 and found[0].parents == 1:
        return None
    built = [(lst, *_table(lst)) for lst in found]
    people = [table for _, table, person in built if table is not None and person]
    if not people:
        return None
    several = len(found) > 1
    if several and _names_outside(root, found) and not _keyed(built, people):
        return None  # one person's document with lists (a report's results and copies)
    out = []
    for lst, table, _ in built:
        if table is not None:
            table.prefix = f"table:{lst.name}!" if several else f"{lst.name}!"
            out.append(table)
    return out


Found = list[tuple[Element, str, list[Element]]]
# Whether the lists of a (depth, parent tag, tag) wrap lists of rows: told once, from the
# first such list, so a file of many wrappers (batches) is not asked again for each.
_Memo = dict[tuple[int, str, str], bool]


def _top(element: Element, depth: int, memo: _Memo | None = None) -> Found:
    """(parent, tag, records) of the lists in ``element`` that lie in no record of another,
    a wrapper's looked through."""
    memo = {} if memo is None else memo
    found: Found = []
    stack = [element]
    while stack:
        parent = stack.pop()
        if len(parent) < 2:
            stack.extend(parent)
            continue
        groups: dict[str, list[Element]] = {}
        for child in parent:
            groups.setdefault(str(child.tag), []).append(child)
        listed = {t for t, g in groups.items() if len(g) > 1 and not named_fields(g)}
        for tag in listed:
            records = groups[tag]
            inner = _wrapped(records, (depth, str(parent.tag), tag), memo)
            found.extend(inner if inner is not None else [(parent, tag, records)])
        stack.extend(child for child in parent if str(child.tag) not in listed)
    return found


def _wrapped(records: list[Element], key: tuple[int, str, str], memo: _Memo) -> Found | None:
    """The lists inside ``records`` when the records only wrap them: outside those lists they
    name nobody, and a list inside names people. None when the records are the rows."""
    depth = key[0]
    if depth >= _WRAPPER_DEPTH or memo.get(key) is False:
        return None
    if memo.get(key):
        return [found for record in records for found in _top(record, depth + 1, memo)]
    # Told from the first records (a long list of rows pays nothing more), then taken whole.
    sample = records[:_SAMPLE]
    inner = [found for record in sample for found in _top(record, depth + 1, memo)]
    memo[key] = bool(inner) and _wraps(sample, inner)
    if not memo[key]:
        return None
    rest = records[_SAMPLE:]
    return inner + [found for record in rest for found in _top(record, depth + 1, memo)]


def _wraps(records: list[Element], inner: Found) -> bool:
    """Whether ``records`` name nobody outside the lists ``inner`` in them, and those name
    people (each list's tag told from its first records)."""
    ids = {id(r) for _, _, listed in inner for r in listed}
    if names_a_person(_plain([fields(_without(record, ids)) for record in records])):
        return False
    by_tag: dict[str, list[dict[str, str]]] = {}
    for _, tag, listed in inner:
        cells = by_tag.setdefault(tag, [])
        cells.extend(map(_cells, listed[: max(0, _SAMPLE - len(cells))]))
    return any(names_a_person(_plain(cells)) for cells in by_tag.values())


def _merged(root: Element, found: Found) -> list[_List]:
    """The lists in document order, those of one name in parents of one tag joined (a table
    split among wrappers is one table); lists of one name in parents of other tags
    (``<Patients><Item>``, ``<Results><Item>``) named by their parents."""
    first = {id(records[0]): i for i, (_, _, records) in enumerate(found)}
    ordered = [found[first[id(e)]] for e in root.iter() if id(e) in first]
    named = [(_list_name(parent, tag), local_name(parent.tag)) for parent, tag, _ in ordered]
    parents: dict[str, set[str]] = {}
    for own, parent_tag in named:
        parents.setdefault(own, set()).add(parent_tag)
    lists: dict[str, _List] = {}
    for (own, parent_tag), (_, _, records) in zip(named, ordered, strict=True):
        key = own if len(parents[own]) == 1 else parent_tag.replace("!", "_")
        lst = lists.setdefault(key, _List(key))
        lst.records.extend(records)
        lst.parents += 1
    return list(lists.values())


def _list_name(parent: Element, tag: str) -> str:
    """The records' tag, or the table their parent names (mysqldump's ``<table_data
    name="pat_master">``); never with a "!" (it ends a locator's prefix)."""
    named = ""
    if all(str(child.tag) == tag for child in parent):
        attributes = {local_name(k).lower(): v.strip() for k, v in parent.attrib.items()}
        named = next((attributes[k] for k in _TABLE_NAME_KEYS if attributes.get(k)), "")
    return (named or local_name(tag)).replace("!", "_")


def _cells(record: Element) -> dict[str, str]:
    """A record's fields; a leaf's text too, under its tag (``<Id type="NHS">...</Id>``)."""
    cells = fields(record)
    if len(record) == 0 and record.text and record.text.strip():
        cells.setdefault(local_name(record.tag), " ".join(record.text.split()))
    return cells


def _table(lst: _List) -> tuple[Table | None, bool]:
    """A list's table and whether it names people; a person's records that hold lists of
    their own (a patient's results) are read as one person's documents are, a row each."""
    table = rows([_cells(record) for record in lst.records], "")
    if table is None or not names_a_person(table):
        return table, False
    inner = most_repeated(lst.records)
    if inner is None:
        return table, True
    parent, tag = inner
    if rows([fields(c) for c in parent if str(c.tag) == tag], "") is None:
        return table, True
    return rows([document(record, tag) for record in lst.records], ""), True


def _plain(cells: list[dict[str, str]]) -> Table:
    header = list(dict.fromkeys(key for row in cells for key in row))
    return Table(header=header, columns=[[row.get(k, "") for row in cells] for k in header])


def _names_outside(root: Element, found: list[_List]) -> bool:
    """Whether the file names a person outside its lists (the patient of a report)."""
    ids = {id(record) for lst in found for record in lst.records}
    return names_a_person(_plain([fields(_without(root, ids))]))


def _keyed(built: list[tuple[_List, Table | None, bool]], people: list[Table]) -> bool:
    """Whether a list naming nobody points at the rows of a list of people: a column's values
    found among those of a column telling the people apart (``patientRef`` -> ``id``)."""
    keys = []
    for table in people:
        for column in table.columns:
            values = pa.array(column, pa.string())
            present = pc.filter(values, pc.not_equal(values, ""))
            distinct = pc.unique(present)
            if len(distinct) and len(distinct) == len(present):
                keys.append(distinct)
    for _, events, person in built:
        if events is None or person:
            continue
        for column in events.columns:
            values = pc.unique(pa.array(column, pa.string()))
            values = pc.filter(values, pc.not_equal(values, ""))
            for key in keys:
                if 0 < len(values) <= len(key) / _CONTAINED:
                    found = pc.sum(pc.is_in(values, value_set=key)).as_py() or 0
                    if found >= _CONTAINED * len(values):
                        return True
    return False


def _without(element: Element, ids: set[int]) -> Element:
    """A copy of ``element`` without the descendants whose ids are ``ids``."""
    return copy_without(element, lambda child: id(child) in ids)
