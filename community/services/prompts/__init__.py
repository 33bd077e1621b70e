"""Weekly prompts: the programme in the database, delivery of due prompts, RSVPs, reminders,
parents' answers, the professionals' daily digest, the route map and the reach list.

One module per seam: `schedule` (time and quiet hours), `programme` (the programme file and
written prompts in the database), `audience` (who gets a prompt: the one rule), `delivery`,
`rsvp`, `answers`, `digest`, `route_map`, `reach`, `jobs` (the scheduled job) and `service`
(`Prompts`, what a handled event reaches as `domain.prompts`). What differs per kind of prompt
is the kind's, in community/prompt_kinds/. The names callers use are re-exported here.
"""

from __future__ import annotations

from community.prompt_kinds.invitation import (
    MAX_CHILDREN,
    RSVP_ACTION,
    RSVP_ANSWERS,
    RSVP_COUNT_ACTION,
    RSVP_LABELS,
    count_buttons,
    rsvp_buttons,
    rsvp_counts,
)
from community.prompt_kinds.question import MAX_OPTION, MAX_OPTIONS, OPTION_ACTION, option_buttons
from community.services.prompts.answers import (
    SHARE_ACTION,
    SHARE_PURPOSE,
    answer_to_share,
    answered_question,
    has_answered,
    open_question,
    record_answer,
    record_choice,
    share_rooms,
)
from community.services.prompts.audience import gets, recipients, why_not
from community.services.prompts.delivery import deliver, prompt_text, send_due_prompts
from community.services.prompts.digest import (
    DIGEST_ANSWERS,
    DIGEST_CHARS,
    DIGEST_MEDIA,
    EXCERPT,
    digest_text,
    send_digests,
)
from community.services.prompts.jobs import (
    PROMPTS_EVERY_MINUTES,
    PROMPTS_JOB_ID,
    register_jobs,
    run_due_jobs,
)
from community.services.prompts.programme import (
    create_prompt,
    set_programme_time,
    sync_programme,
    with_community_time,
)
from community.services.prompts.reach import (
    REACH_DAYS,
    REACH_LINES,
    REACH_PROMPTS,
    ReachEntry,
    ReachReport,
    reach_report,
    reach_text,
)
from community.services.prompts.route_map import (
    post_route_maps,
    route_map_lines,
    upcoming,
    upcoming_in_community,
)
from community.services.prompts.rsvp import (
    REMINDER_AT,
    calendar_file,
    invitations_ahead,
    open_invitation,
    received,
    record_rsvp,
    send_rsvp_reminders,
    set_children,
)
from community.services.prompts.schedule import (
    SOURCE_LOCALE,
    in_quiet_hours,
    local,
    local_date,
    quiet_hours_end,
    to_utc,
    when_text,
)
from community.services.prompts.service import Prompts

__all__ = [
    "DIGEST_ANSWERS", "DIGEST_CHARS", "DIGEST_MEDIA", "EXCERPT", "MAX_CHILDREN", "MAX_OPTION",
    "MAX_OPTIONS", "OPTION_ACTION", "PROMPTS_EVERY_MINUTES", "PROMPTS_JOB_ID", "REACH_DAYS",
    "REACH_LINES", "REACH_PROMPTS", "REMINDER_AT", "RSVP_ACTION", "RSVP_ANSWERS",
    "RSVP_COUNT_ACTION", "RSVP_LABELS", "SHARE_ACTION", "SHARE_PURPOSE", "SOURCE_LOCALE",
    "Prompts", "ReachEntry", "ReachReport", "answer_to_share", "answered_question",
    "calendar_file", "count_buttons", "create_prompt", "deliver", "digest_text", "gets",
    "has_answered", "in_quiet_hours", "invitations_ahead", "local", "local_date",
    "open_invitation", "open_question", "option_buttons", "post_route_maps", "prompt_text",
    "quiet_hours_end", "reach_report", "reach_text", "received", "recipients", "record_answer",
    "record_choice", "record_rsvp", "register_jobs", "route_map_lines", "rsvp_buttons",
    "rsvp_counts", "run_due_jobs", "send_digests", "send_due_prompts", "send_rsvp_reminders",
    "set_children", "set_programme_time", "share_rooms", "sync_programme", "to_utc", "upcoming",
    "upcoming_in_community", "when_text", "why_not", "with_community_time",
]  # fmt: skip
