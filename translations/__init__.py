"""Offline translation engine: Argos packages, segmentation, batched translation, alignment.

Knows nothing of ``monitor``, ``indexes`` or ``ui``; takes and returns plain data.
"""
