"""The explorer's texts (the catalogue's ``explorer.*`` keys, :mod:`planning.i18n`) and
number formatting for them."""

from __future__ import annotations

from planning import i18n

#: file name of a saved scenario when save_scenario is given a folder
SAVED_NAME = {"id": "{name}-penjelajah.yaml", "en": "{name}-explorer.yaml"}
#: the results subfolder the export button writes by default
EXPORT_NAME = {"id": "ekspor", "en": "export"}


def t(key: str, lang: str, **params: object) -> str:
    """The explorer's text ``explorer.<key>`` in ``lang``."""
    return i18n.text(f"explorer.{key}", lang, **params)


def num(value: float | None, lang: str, decimals: int = 1) -> str:
    return "-" if value is None else i18n.number(value, lang, decimals)


def pct(share: float | None, lang: str) -> str:
    return "-" if share is None else i18n.percent(share, lang, 2)
