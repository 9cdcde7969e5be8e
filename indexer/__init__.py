"""policysearch indexer: bytes -> text -> structured records -> Whoosh index -> queries."""

__version__ = "0.1.0"
