"""Names across scripts: the bundled alias table of people, places and organisations, the
user's own spellings, and the entities found in each article."""
