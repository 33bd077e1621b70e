"""Communities and their neighbourhoods: loaded from configuration, found by code and postcode."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import Community, Neighbourhood, ParentProfile, Person, Role
from community.postcode import postcode_area
from config import CommunitySpec

_WORD = re.compile(r"[\W_]+")


def sync_communities(session: Session, specs: tuple[CommunitySpec, ...], clock: Clock) -> None:
    """Create or update the configured communities. Neighbourhoods removed from the file are kept
    when parents still point at them, so that editing the config never breaks a profile."""
    for spec in specs:
        community = session.scalar(select(Community).where(Community.slug == spec.slug))
        if community is None:
            community = Community(slug=spec.slug, created_at=clock.now())
            session.add(community)
        community.name = spec.name
        community.city = spec.city
        community.invite_code = spec.invite_code
        community.default_locale = spec.default_locale
        community.home_languages = list(spec.home_languages)
        community.buddy_matching = dict(spec.buddy_matching) or None
        existing = {hood.name: hood for hood in community.neighbourhoods}
        for hood_spec in spec.neighbourhoods:
            hood = existing.pop(hood_spec.name, None)
            if hood is None:
                hood = Neighbourhood(name=hood_spec.name)
                community.neighbourhoods.append(hood)
            hood.postcode_areas = list(hood_spec.postcode_areas)
            hood.centre_lat, hood.centre_lon = hood_spec.centre
        for stale in existing.values():
            stale.postcode_areas = []  # no postcode leads here any more
    session.flush()


def by_invite_code(session: Session, code: str) -> Community | None:
    return session.scalar(select(Community).where(Community.invite_code == code.strip().upper()))


def by_slug(session: Session, slug: str) -> Community | None:
    return session.scalar(select(Community).where(Community.slug == slug.strip().lower()))


def all_communities(session: Session) -> list[Community]:
    return list(session.scalars(select(Community).order_by(Community.slug)))


def neighbourhood_for(community: Community, area: str) -> Neighbourhood | None:
    for hood in community.neighbourhoods:
        if area in hood.postcode_areas:
            return hood
    return None


def neighbourhood_named(community: Community, typed: str) -> Neighbourhood | None:
    """A neighbourhood of the community by its postcode area (6825) or its name (or the one
    name that starts so)."""
    typed = typed.strip()
    if typed[:4].isdigit():
        return neighbourhood_for(community, typed[:4])
    wanted = typed.casefold()
    if not wanted:
        return None
    hoods = sorted(community.neighbourhoods, key=lambda h: h.name)
    exact = [h for h in hoods if h.name.casefold() == wanted]
    if exact:
        return exact[0]
    starting = [h for h in hoods if h.name.casefold().startswith(wanted)]
    return starting[0] if len(starting) == 1 else None


def neighbourhoods_matching(community: Community, typed: str) -> list[Neighbourhood]:
    """The neighbourhoods a writer may mean by what they typed: the one of a postcode area
    (6825) or of the exact name; else every one whose name starts so ("Presikhaaf": East and
    West), else every one with a word that starts so ("Immerloo"), by name."""
    typed = typed.strip()
    area = postcode_area(typed) or (typed[:4] if typed[:4].isdigit() else None)
    if area is not None:
        hood = neighbourhood_for(community, area)
        return [hood] if hood is not None else []
    wanted = typed.casefold()
    if not wanted:
        return []
    hoods = sorted(community.neighbourhoods, key=lambda h: h.name)
    exact = [h for h in hoods if h.name.casefold() == wanted]
    if exact:
        return exact[:1]
    starting = [h for h in hoods if h.name.casefold().startswith(wanted)]
    if starting:
        return starting
    return [h for h in hoods if any(w.startswith(wanted) for w in _WORD.split(h.name.casefold()))]


def unreachable_count(session: Session, community: Community) -> int:
    """Parents the platform said cannot be reached (they blocked the bot): to phone instead."""
    return int(
        session.scalar(
            select(func.count(Person.id)).where(
                Person.community_id == community.id,
                Person.role == Role.PARENT,
                Person.unreachable_at.is_not(None),
            )
        )
        or 0
    )


def parent_counts(session: Session, community: Community) -> list[tuple[str | None, int]]:
    """Active parents per neighbourhood (None: postcode skipped), for the coordinator's overview."""
    rows = session.execute(
        select(Neighbourhood.name, func.count(Person.id))
        .select_from(Person)
        .join(ParentProfile, ParentProfile.person_id == Person.id)
        .outerjoin(Neighbourhood, Neighbourhood.id == ParentProfile.neighbourhood_id)
        .where(Person.community_id == community.id, Person.role == Role.PARENT, Person.active)
        .group_by(Neighbourhood.name)
        .order_by(Neighbourhood.name)
    )
    return [(name, count) for name, count in rows]
