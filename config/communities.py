"""The community files: one TOML file a community (its name, invite code, languages and
neighbourhoods), listed under `communities` in the main config file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale

from config.buddy_matching import buddy_matching
from config.reader import ConfigError, Reader, read_toml, str_list

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9]{4,32}$")
_PC4 = re.compile(r"^[1-9][0-9]{3}$")
_MAX_NAME = 120  # the length of the name columns in the database


@dataclass(frozen=True)
class NeighbourhoodSpec:
    name: str
    postcode_areas: tuple[str, ...]
    centre: tuple[float, float]


@dataclass(frozen=True)
class CommunitySpec:
    slug: str
    name: str
    city: str
    invite_code: str
    default_locale: str
    home_languages: tuple[str, ...]
    neighbourhoods: tuple[NeighbourhoodSpec, ...]
    # The `[buddy_matching]` table (config/buddy_matching.py): limits of a matching round.
    buddy_matching: dict[str, Any] = field(default_factory=dict)


def _text(reader: Reader, key: str) -> str:
    value: str = reader.get(key, str, required=True)
    if not value.strip() or len(value) > _MAX_NAME:
        raise reader.fail(key, f"must be 1 to {_MAX_NAME} characters")
    return value


def _home_languages(reader: Reader) -> tuple[str, ...]:
    """Language codes that CLDR names, so each gets a button label in every shipped language."""
    languages = str_list(reader, "home_languages")
    if not languages:
        raise reader.fail("home_languages", "needs at least 1 language code, such as 'nl'")
    known = Locale("en").languages
    seen: set[str] = set()
    for index, code in enumerate(languages):
        field_name = f"{reader.name('home_languages')}[{index}]"
        if code not in known:
            raise ConfigError(
                reader.path, field_name, f"{code!r} is not a language code that Babel/CLDR knows"
            )
        if code in seen:
            raise ConfigError(reader.path, field_name, f"{code!r} is listed twice")
        seen.add(code)
    return languages


def load_community(path: Path, known_locales: tuple[str, ...]) -> CommunitySpec:
    reader = Reader(path, read_toml(path))
    reader.check_unknown(
        {
            "slug",
            "name",
            "city",
            "invite_code",
            "default_locale",
            "home_languages",
            "neighbourhoods",
            "buddy_matching",
        }
    )
    slug = reader.get("slug", str, required=True)
    if not _SLUG.match(slug):
        raise reader.fail("slug", "use lowercase letters, digits and '-', at most 40")
    code = reader.get("invite_code", str, required=True)
    if not _CODE.match(code):
        raise reader.fail("invite_code", "use 4 to 32 letters or digits")
    locale = reader.get("default_locale", str, "nl")
    if locale not in known_locales:
        raise reader.fail(
            "default_locale", f"{locale!r} is not shipped ({', '.join(known_locales)})"
        )
    languages = _home_languages(reader)
    raw_hoods = reader.get("neighbourhoods", list, required=True)
    if not raw_hoods:
        raise reader.fail("neighbourhoods", "needs at least 1 neighbourhood")
    hoods = _neighbourhoods(reader, raw_hoods)
    return CommunitySpec(
        slug=slug,
        name=_text(reader, "name"),
        city=_text(reader, "city"),
        invite_code=code.upper(),
        default_locale=locale,
        home_languages=languages,
        neighbourhoods=tuple(hoods),
        buddy_matching=buddy_matching(reader.table("buddy_matching")),
    )


def _neighbourhoods(reader: Reader, raw_hoods: list[Any]) -> list[NeighbourhoodSpec]:
    """The `[[neighbourhoods]]`: unique names, each postcode area in one neighbourhood."""
    path = reader.path
    hoods: list[NeighbourhoodSpec] = []
    seen_names: dict[str, int] = {}
    seen_areas: dict[str, str] = {}
    for index, raw in enumerate(raw_hoods):
        if not isinstance(raw, dict):
            raise reader.fail(f"neighbourhoods[{index}]", "must be a table")
        hood = Reader(path, raw, f"neighbourhoods[{index}].")
        hood.check_unknown({"name", "postcode_areas", "centre"})
        name = _text(hood, "name")
        if name in seen_names:
            raise hood.fail("name", f"{name!r} is already neighbourhoods[{seen_names[name]}]")
        seen_names[name] = index
        areas = str_list(hood, "postcode_areas", _PC4, '4 digits, such as "6825"')
        if not areas:
            raise hood.fail("postcode_areas", "needs at least 1 postcode area, such as '6825'")
        for area_index, area in enumerate(areas):
            if area in seen_areas:
                raise hood.fail(
                    f"postcode_areas[{area_index}]", f"{area} is already in {seen_areas[area]}"
                )
            seen_areas[area] = name
        centre = hood.get("centre", list, required=True)
        if len(centre) != 2 or not all(isinstance(v, int | float) for v in centre):
            raise hood.fail("centre", "must be [latitude, longitude]")
        lat, lon = float(centre[0]), float(centre[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise hood.fail("centre", "latitude or longitude out of range")
        hoods.append(NeighbourhoodSpec(name, areas, (lat, lon)))
    return hoods


def load_communities(reader: Reader, known_locales: tuple[str, ...]) -> tuple[CommunitySpec, ...]:
    """The community files that `communities` lists, relative to the config file."""
    communities = reader.get("communities", list, [])
    if not communities:
        raise reader.fail(
            "communities", 'needs at least 1 community file, such as communities = ["arnhem.toml"]'
        )
    specs: list[CommunitySpec] = []
    for index, item in enumerate(communities):
        if not isinstance(item, str):
            raise reader.fail(f"communities[{index}]", "must be a file path (string)")
        community_path = reader.path.parent / item
        if not community_path.exists():
            # Blamed on the entry in this file: that is where a wrong name is corrected.
            raise reader.fail(f"communities[{index}]", f"file {community_path} not found")
        specs.append(load_community(community_path, known_locales))
    slugs = [spec.slug for spec in specs]
    codes = [spec.invite_code for spec in specs]
    if len(set(slugs)) != len(slugs) or len(set(codes)) != len(codes):
        raise reader.fail("communities", "two communities share a slug or an invite code")
    return tuple(specs)
