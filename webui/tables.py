"""The corpus tables (decisions, links, references) and the department directory of the index
generation being served."""
from __future__ import annotations

from indexer.corpustables import CorpusTables, tables_for
from indexer.deptdirectory import DeptDirectory, directory_for

from .resources import resources


def corpus_tables() -> CorpusTables:
    """Built by the indexer once per generation (on first use, or ahead by the warm-up thread)."""
    return tables_for(resources().store)


def department_directory() -> DeptDirectory:
    """Every department the served index names, once per generation."""
    return directory_for(resources().store)
