"""The app's dialogs: sources (``sources``), translation models (``models``), settings.

Each takes the :class:`~ui.tasks.TaskManager` (all core work runs through it) and a parent.
The window imports each dialog's module when it is first opened, so nothing is imported
here: the models dialog alone took 83 ms of the app's start.
"""
