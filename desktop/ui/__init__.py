"""The desk's windows and dialogs. Layout and wiring only: rules live in ``forms``,
data in ``desktop.store``, long work goes through ``desktop.ui.workers``."""
