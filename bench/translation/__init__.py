"""The translation benchmark: the app's path against raw CTranslate2 and naive
argostranslate (see :mod:`bench.translation.benchmark`)."""
