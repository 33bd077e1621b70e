"""`ouderkring role`: the staff of a community, and taking a role away (as `/revoke` does in the
chat). The person is told in their language when the bot next sends its outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import cli_shared
from bot.cli_shared import ConfigOption

role_app = typer.Typer(
    help="Staff roles: list them, take one away.", no_args_is_help=True, rich_markup_mode=None
)

CommunityOption = Annotated[
    str | None, typer.Option("--community", help="Community slug (needed if several).")
]


@role_app.command("list")
def role_list(community: CommunityOption = None, config: ConfigOption = None) -> None:
    """The coordinators and professionals of a community: role, platform, platform user id and
    the day they got the role (the bot keeps no names)."""
    from community.services.domain import Domain
    from community.views import CommunityView

    built = cli_shared.built_app(config)
    try:
        with built.session_factory() as session:
            chosen = cli_shared.chosen_community(session, community)
            staff = Domain(session, built.clock).staff.of(CommunityView.of(chosen))
            if not staff:
                typer.echo(f"{chosen.name} has no coordinators or professionals.")
            for person, since in staff:
                typer.echo(
                    f"{person.role.value}\t{person.platform}\t{person.platform_user_id}\t"
                    f"since {since:%Y-%m-%d}"
                )
    finally:
        built.close()


@role_app.command("revoke")
def role_revoke(
    platform: Annotated[str, typer.Argument(help="telegram, matrix or console")],
    user_id: Annotated[str, typer.Argument(help="Their platform user id (see `role list`).")],
    community: CommunityOption = None,
    config: ConfigOption = None,
) -> None:
    """Take a coordinator's or professional's role away: they are told in their language, leave
    the rooms the bot made, and what is stored about them is erased."""
    from community.services import outbox
    from community.services.domain import Domain

    built = cli_shared.built_app(config)
    try:
        with built.session_factory.begin() as session:
            chosen = cli_shared.chosen_community(session, community)
            domain = Domain(session, built.clock)
            person = domain.people.find(platform, user_id)
            staff = domain.staff.member(person.id) if person is not None else None
            if staff is None or staff.community_id != chosen.id:
                who = f"{user_id} on {platform}"
                typer.echo(f"No coordinator or professional {who} in {chosen.name}.", err=True)
                raise typer.Exit(1)
            role = staff.role.value
            items = domain.staff.revoke(staff, built.translator, built.settings.default_locale)
            outbox.enqueue_all(session, items, built.clock)
        typer.echo(f"The {role} role is taken away in {chosen.name}. They are told in the chat.")
    finally:
        built.close()
