"""Translation workers on a shared store: articles a minute with 1, 2 and 4 processes."""
