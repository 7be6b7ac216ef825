"""The compare view: one story's coverage by several outlets, side by side, with the
time strip of who published when."""
