"""What a department name typed by a researcher denotes, in each document's own jurisdiction.

Department names are relative: 市发改委 is 苏州市发展和改革委员会 in Suzhou's minutes and
菏泽市发展和改革委员会 in 菏泽's. Paragraphs are tagged with canonical names, each resolved at
ingest against its document's jurisdiction (Suzhou's curated gazetteer for Suzhou's documents,
``indexer.deptresolve.Resolver`` for other governments'). A typed name is therefore expanded, at
query time, to every canonical name it denotes somewhere in the index, and the filter is the
union of those canonical tags:

* Suzhou's gazetteer gives Suzhou's body (its aliases are not in ``Document.department_aliases``);
* the per-generation department directory (``indexer.deptdirectory.directory_for``) gives, for
  every other jurisdiction whose documents write that form, the body it resolved to there;
* a name kept as written (a document whose government is not known) matches itself.

Because every canonical tag was resolved inside its own document's jurisdiction, 菏泽's 市发改委
paragraphs are tagged 菏泽's body and Suzhou's are tagged Suzhou's: the union selects each city's
own body and never maps one city's mention to another's. Query time was chosen over indexing the
written forms (a second keyword field per paragraph) because the facet must show the selected
*canonical* rows, which a written-form match cannot name, and because it needs no index-format
change for aliases that later documents add: the directory is rebuilt with every generation.

Cost: a full canonical name (or any name the gazetteer leaves as it is and the index holds) is
used as is; only other names consult the directory, which is built once per generation (the web
app's warm-up builds it ahead) and looked up by written form in a dict, never by a scan of the
documents.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from indexer.deptdirectory import DeptDirectory, directory_for
from indexer.gazetteer import get_gazetteer
from indexer.normalize import fold

__all__ = ["DepartmentNames", "forms_for", "gazetteer_only"]

Forms = Mapping[str, Sequence[str]]


class DepartmentNames:
    """Resolves typed department names against one index generation.

    ``known`` returns the canonical names the index tags paragraphs with (the 涉及部门 facet's
    values); ``forms`` returns, built once per generation, written form -> the bodies other
    jurisdictions' documents resolved it to (``forms_for``). Both are called only when a name is
    resolved, so a request without department names never touches the index for them.
    """

    def __init__(self, known: Callable[[], Collection[str]] = frozenset,
                 forms: Callable[[], Forms] | None = None):
        self._known = known
        self._forms = forms
        self._known_names: Collection[str] | None = None

    @property
    def known(self) -> Collection[str]:
        if self._known_names is None:
            self._known_names = self._known()
        return self._known_names

    def resolve(self, name: str) -> tuple[str, ...]:
        """Every canonical name ``name`` denotes in the index, Suzhou's first; a name the index
        does not know passes through (the gazetteer's canonical form, else as written)."""
        written = name.strip()
        if not written:
            return ()
        suzhou = get_gazetteer().canonical(written)
        if written in self.known and suzhou in (None, written):
            return (written,)
        names = [suzhou] if suzhou else []
        if self._forms is not None:
            forms = self._forms()
            names += [*forms.get(written, ()), *forms.get(fold(written), ())]
        names.append(written)
        present = [n for n in dict.fromkeys(names) if n in self.known]
        return tuple(present) or (suzhou or written,)


    def resolve_all(self, names: Iterable[str]) -> list[str]:
        """Every canonical name the typed ``names`` denote, in order, once each."""
        return list(dict.fromkeys(n for name in names for n in self.resolve(name)))


def written_forms(directory: DeptDirectory) -> dict[str, list[str]]:
    """Written form -> every body a jurisdiction's documents resolved it to."""
    by_form: dict[str, list[str]] = {}
    for (_, form), canonical in directory.aliases.items():
        if canonical != form:
            by_form.setdefault(form, []).append(canonical)
    return {form: list(dict.fromkeys(names)) for form, names in by_form.items()}


def forms_for(store: Any) -> Forms:
    """``written_forms`` of the store's current generation, built once per generation (from the
    cached ``directory_for(store)``)."""
    return store.derived(written_forms, lambda s: written_forms(directory_for(s)))


def gazetteer_only(name: str) -> tuple[str, ...]:
    """Resolution without an index: the gazetteer's canonical name, else the name as written."""
    written = name.strip()
    return (get_gazetteer().canonical(written) or written,) if written else ()
