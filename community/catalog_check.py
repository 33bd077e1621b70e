"""What each language's catalog still needs: messages missing (parents see them in the fallback
language) and messages no reviewer has confirmed yet (parents see them, a reviewer should read
them). `ouderkring i18n check` prints this; the English catalog is the reference.

A message is unreviewed while it carries the translator comment `# unreviewed` (a line of its
own right above `msgid`). A translator comment, not gettext's "fuzzy" flag: fuzzy entries are
dropped when a catalog is compiled, and parents must still see these texts. Poedit shows the
comment and lets a reviewer delete it; msgmerge and `pybabel update` keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from community.i18n import LOCALES_DIR, catalog_path, is_translated, read_catalog
from config.locales import FALLBACK_LOCALE

UNREVIEWED = "unreviewed"


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return str(message_id[0]) if isinstance(message_id, tuple | list) else message_id


@dataclass(frozen=True)
class CatalogState:
    locale: str
    total: int  # messages in the reference catalog
    missing: tuple[str, ...]  # absent, empty, or with an empty plural form
    unreviewed: tuple[str, ...]  # translated, still marked for a reviewer

    @property
    def complete(self) -> bool:
        return not self.missing


def catalog_state(locale: str, locales_dir: Path = LOCALES_DIR) -> CatalogState:
    reference = [_key(m.id) for m in read_catalog(FALLBACK_LOCALE, locales_dir) if m.id]
    if not catalog_path(locale, locales_dir).is_file():
        return CatalogState(locale, len(reference), tuple(reference), ())
    translated: set[str] = set()
    unreviewed: set[str] = set()
    for message in read_catalog(locale, locales_dir):
        if not is_translated(message):
            continue
        translated.add(_key(message.id))
        if UNREVIEWED in (comment.strip() for comment in message.user_comments):
            unreviewed.add(_key(message.id))
    return CatalogState(
        locale,
        len(reference),
        tuple(key for key in reference if key not in translated),
        tuple(key for key in reference if key in unreviewed),
    )


def report_lines(
    state: CatalogState,
    shipped: bool,
    with_ids: bool = True,
    texts: dict[str, str] | None = None,
) -> list[str]:
    """A summary line, then the ids: missing first (they fall back), then unreviewed. With
    `texts` (id -> text), each id is followed by that text: the English beside the translation."""
    done = state.total - len(state.missing)
    status = "shipped" if shipped else "not shipped"
    lines = [
        f"{state.locale} ({status}): {done} of {state.total} translated, "
        f"{len(state.missing)} missing, {len(state.unreviewed)} unreviewed"
    ]
    if with_ids:
        shown = texts or {}
        for label, keys in (("missing", state.missing), ("unreviewed", state.unreviewed)):
            lines += [
                f"  {label}: {key}" + (f"\t{shown[key]}" if key in shown else "") for key in keys
            ]
    return lines


def texts_of(locale: str, locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    """id -> text (plural forms joined with " | "), for showing beside an id."""
    out: dict[str, str] = {}
    for message in read_catalog(locale, locales_dir):
        if message.id:
            string = message.string
            forms = list(string) if isinstance(string, tuple | list) else [string]
            out[_key(message.id)] = " | ".join(str(f or "") for f in forms).replace("\n", " ")
    return out


def mark_reviewed(locale: str, ids: set[str] | None, locales_dir: Path = LOCALES_DIR) -> int:
    """Remove the unreviewed mark of `ids` (None: of every message) in the file itself, line by
    line, so that nothing else in it changes. Returns how many marks were removed."""
    path = catalog_path(locale, locales_dir)
    lines = path.read_text(encoding="utf-8").split("\n")
    kept: list[str] = []
    removed = 0
    for index, line in enumerate(lines):
        if line.strip() == f"# {UNREVIEWED}" and _entry_id(lines, index) is not None:
            entry = _entry_id(lines, index)
            if ids is None or entry in ids:
                removed += 1
                continue
        kept.append(line)
    path.write_text("\n".join(kept), encoding="utf-8")
    return removed


def _entry_id(lines: list[str], index: int) -> str | None:
    """The id of the entry whose comment block holds line `index`."""
    for line in lines[index + 1 :]:
        if line.startswith('msgid "'):
            return line[len('msgid "') : -1]
        if not line.startswith("#"):
            return None
    return None
