"""Full-text search: Whoosh schema, per-language analyzers, index sync, queries, highlights.

Knows nothing of ``monitor``, ``translations`` or ``ui``; takes and returns plain data.
"""
