"""Cross-script name search: recall and precision of a Latin query over native-script
articles (see :mod:`bench.names.benchmark`)."""
