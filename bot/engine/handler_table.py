"""The handler table: every command, button action, dialogue question and flow the bot has,
in one place. The composition root (bot/app.py) hands it to the engine; `/help` lists the
commands in this table's order (the ones every person has first, the buddy commands last).

A new command is a line here plus its handler function; nothing registers itself at import.
"""

from __future__ import annotations

from bot.engine import replies
from bot.engine.buttons import ButtonAction
from bot.engine.commands import PARENTS, REGISTERED, STAFF, Command
from bot.engine.dialogue import Flow, menu_flow
from bot.engine.handlers import (
    buddies,
    buddy_intro,
    buddy_round,
    buddy_talk,
    commands,
    moderation,
    new_hood,
    new_prompt,
    onboarding,
    privacy,
    profile,
    programme_times,
    prompts,
    questions,
    revoke,
    room_commands,
    room_setup,
    staff,
    stop,
    translating,
    translator_join,
    voice,
    which_community,
)
from bot.engine.registry import Entry, Handlers
from community.models import Role
from community.services import buddies as buddy_service
from community.services.prompts import OPTION_ACTION, RSVP_ACTION, RSVP_COUNT_ACTION

WRITERS = new_prompt.WRITERS
STAFF_AND_PROFESSIONALS = prompts.STAFF_AND_PROFESSIONALS
TRANSLATING = translating.TRANSLATING
CODE_FOR_PROFESSIONALS = ((Role.COORDINATOR, "help.cmd.code_professional"),)
REVOKE_FOR_PROFESSIONALS = ((Role.COORDINATOR, "help.cmd.revoke_professional"),)

COMMANDS: tuple[Command, ...] = (
    Command("help", commands.help_, roles=None),
    Command("cancel", commands.cancel, roles=None),
    Command("language", commands.language, roles=None),
    Command("rules", moderation.rules, roles=None, in_groups=True, anywhere=True),
    Command("report", moderation.report, roles=None, in_groups=True, room_checked=True),
    Command("new", new_prompt.new, roles=WRITERS),
    Command("rooms", room_setup.make_rooms, roles=STAFF),
    Command("voice", voice.voice),
    Command("start", onboarding.start, roles=None),
    Command("profile", profile.profile, roles=PARENTS),
    Command("mydata", privacy.show_my_data, roles=None),
    Command("privacy", privacy.privacy_statement, roles=None),
    Command("programme", programme_times.programme, roles=STAFF),
    Command("pause", prompts.pause, roles=PARENTS),
    Command("resume", prompts.resume, roles=PARENTS),
    Command("support", prompts.support),
    Command("routekaart", prompts.routekaart),
    Command("reach", prompts.reach, roles=STAFF_AND_PROFESSIONALS),
    Command("code", staff.code, roles=STAFF, help_by_role=CODE_FOR_PROFESSIONALS),
    Command("community", staff.community_overview, roles=STAFF),
    Command("revoke", revoke.revoke, roles=STAFF, help_by_role=REVOKE_FOR_PROFESSIONALS),
    Command("linkgroup", room_commands.link_group, roles=STAFF, in_groups=True, room_checked=True),
    Command("relay", room_commands.relay, roles=STAFF, in_groups=True, room_checked=True),
    Command("delete", room_commands.delete, roles=STAFF, in_groups=True, room_checked=True),
    Command("stop", stop.stop, roles=REGISTERED),
    Command("match", buddy_round.match_round, roles=STAFF),
    Command("rounds", buddy_round.rounds, roles=STAFF),
    Command("buddy", buddies.buddy, roles=PARENTS),
)

BUTTONS: tuple[ButtonAction, ...] = (
    ButtonAction(moderation.MOD_ACTION, moderation.decide, STAFF),
    ButtonAction(translating.TRANSLATE_ACTION, translating.translate, TRANSLATING),
    ButtonAction(translating.SKIP_ACTION, translating.skip, TRANSLATING),
    ButtonAction(RSVP_ACTION, prompts.rsvp, PARENTS, topic="invitation"),
    ButtonAction(RSVP_COUNT_ACTION, prompts.rsvp_children, PARENTS, topic="invitation"),
    ButtonAction(OPTION_ACTION, prompts.answer_option, PARENTS, takes_text=True),
    ButtonAction(prompts.SHARE_ACTION, prompts.share, PARENTS),
    ButtonAction(buddy_talk.SHARE_ACTION, buddy_talk.share_answer, PARENTS),
    ButtonAction("buddy_ok", buddy_round.approve, STAFF),
    ButtonAction("buddy_no", buddy_round.reject, STAFF),
    ButtonAction("buddy_skip", buddy_round.skip, STAFF),
    ButtonAction("buddy_all", buddy_round.approve_all, STAFF),
    ButtonAction(buddy_service.FOLLOW_UP_ACTION, buddies.follow_up_answer, PARENTS),
)

# Each flow is a list of questions; a flow made with `menu_flow` is ended by its questions.
DIALOGUES: tuple[Entry, ...] = (
    # joining and the profile
    Flow("onboarding", onboarding.ONBOARDING, onboarding.onboarding_done),
    Flow("staff", ("language",), onboarding.staff_done),
    Flow("edit", profile.EDITABLE, profile.edit_done, single=True),
    questions.LanguageQuestion(),
    questions.ConsentQuestion(),
    questions.PostcodeQuestion(),
    questions.AgesQuestion(),
    questions.HomeLanguagesQuestion(),
    questions.BuddyQuestion(),
    menu_flow("become_staff", ("become_staff",)),
    onboarding.BecomeStaff(),
    menu_flow("profile", ("profile_menu",)),
    profile.ProfileMenu(),
    Flow("translator_join", ("language", "translator_locale"), translator_join.translator_joined),
    translator_join.TranslatorLocale(),
    menu_flow("translator_offer", ("translator_offer",)),
    translator_join.TranslatorOffer(),
    menu_flow("stop", ("stop_confirm", "erase_confirm")),
    stop.StopConfirm(),
    stop.EraseConfirm(),
    # a message that could be for two
    menu_flow("which", ("which",)),
    replies.Which(),
    # the school's prompts and their translations
    menu_flow("which_community", ("which_community",)),
    which_community.WhichCommunity(),
    menu_flow(
        "new",
        (
            "new_kind",
            "new_text",
            "new_check",
            "new_options",
            "new_audience",
            "new_hood",
            "new_when",
            "new_place",
            "new_send",
            "new_send_at",
        ),
    ),  # fmt: skip
    new_prompt.NewKind(),
    new_prompt.NewText(),
    new_prompt.NewCheck(),
    new_prompt.NewOptions(),
    new_prompt.NewAudience(),
    new_hood.NewHood(),
    new_prompt.NewWhen(),
    new_prompt.NewPlace(),
    new_prompt.NewSend(),
    new_prompt.NewSendAt(),
    menu_flow("programme", ("programme_kind", "programme_day", "programme_time")),
    programme_times.ProgrammeKind(),
    programme_times.ProgrammeDay(),
    programme_times.ProgrammeTime(),
    menu_flow("translate", ("translate_text", "translate_check")),
    translating.TranslateText(),
    translating.TranslateCheck(),
    # staff
    menu_flow("code", ("code_role", "code_community")),
    staff.CodeRole(),
    staff.CodeCommunity(),
    menu_flow("revoke", ("revoke_community", "revoke_who", "revoke_confirm")),
    revoke.RevokeCommunity(),
    revoke.RevokeWho(),
    revoke.RevokeConfirm(),
    # buddies
    menu_flow("match_review", ("match_review",)),
    buddy_round.MatchReview(),
    menu_flow("buddy_name", ("buddy_name",)),
    buddy_intro.BuddyNameQuestion(),
    menu_flow("buddy_menu", ("buddy_menu", "buddy_end")),
    buddies.BuddyMenu(),
    buddies.BuddyEnd(),
    menu_flow("buddy_write", ("buddy_write",)),
    buddy_talk.BuddyWrite(),
    menu_flow("buddy_contact", ("buddy_contact",)),
    buddy_talk.BuddyContact(),
)

TABLE: tuple[Entry, ...] = (*COMMANDS, *BUTTONS, *DIALOGUES)
HANDLERS = Handlers(TABLE)
