"""Collecting articles: fetching politely, decoding legacy encodings, parsing feeds,
extracting pages' text, and the pipeline that runs it all (:mod:`.pipeline`)."""
