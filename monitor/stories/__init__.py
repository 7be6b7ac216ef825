"""Stories: the same event across outlets and languages, grouped as articles arrive.

:mod:`.features` says what of an article survives translation (entities, numbers, English
terms, a sketch of its text for wire copies); :mod:`.grouping` puts each new article into
the story it shares most with, or starts one; the store keeps the stories, why each article
joined, and what the user corrected (``store.stories``).
"""
