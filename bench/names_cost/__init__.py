"""What the ``sound`` field costs indexing and search, measured side by side (see
:mod:`bench.names_cost.benchmark`)."""
