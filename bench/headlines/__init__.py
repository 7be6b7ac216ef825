"""Headlines first: how soon an update's titles and leads are translated (issue 20)."""
