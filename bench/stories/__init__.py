"""Story grouping benchmark: a labelled multilingual set of stories, scored with B-cubed."""
