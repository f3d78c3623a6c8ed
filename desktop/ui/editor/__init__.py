"""The filing editor: the form built from its definition, with inline checks and
autocompletion from the store (see docs/editor.md)."""

from desktop.ui.editor.completion import CompletionSource
from desktop.ui.editor.editor import FilingEditor

__all__ = ["CompletionSource", "FilingEditor"]
