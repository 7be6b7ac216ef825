"""Real-world shapes: OPML exports, dates without zones, double-encoded feeds (issue 15)."""
