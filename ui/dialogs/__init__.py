"""The app's dialogs: sources, translation models and settings.

Each takes the :class:`~ui.tasks.TaskManager` (all core work runs through it) and a parent.
"""

from ui.dialogs.models import ModelsDialog
from ui.dialogs.settings import SettingsDialog, app_preferences
from ui.dialogs.sources import SourcesDialog

__all__ = ["ModelsDialog", "SettingsDialog", "SourcesDialog", "app_preferences"]
