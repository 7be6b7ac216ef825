"""The PySide6 desktop app over ``monitor``. The only package that imports Qt."""
