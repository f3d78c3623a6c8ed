"""The validation context (roster, certificate rules, calendar) from the desk's store.

Used by ``beian validate``: when the data folder holds a store, a filing is checked
against the unit's roster and the office's reference data, exactly as in the window.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from desktop.store import DB_NAME, Store, StoreError


def validation_context(data_dir: Path) -> dict[str, Any]:
    """Keyword arguments for ``forms.rules.validate``; ``{}`` when there is no store.

    A store that cannot be read is reported on stderr and the default rules are used:
    checking a file must not fail because of the store.
    """
    if not (Path(data_dir) / DB_NAME).is_file():
        return {}
    try:
        store = Store.open(Path(data_dir), daily_backup=False)
    except StoreError as exc:
        print(f"注意：无法读取本机数据文件（{exc}），按默认规则检查。", file=sys.stderr)
        return {}
    try:
        return store.validation_context()
    finally:
        store.close()
