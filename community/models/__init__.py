"""The database: SQLAlchemy 2 typed models, one module per area (`people`, `rooms`, `chats`,
`outbox`, `prompts`, `buddies`) on one declarative `Base` (`base`). Every model is named here,
so that `from community.models import Person` works and Alembic's metadata holds every table.

Privacy by design: no names, no addresses, no birth dates (community/models/people.py).
"""

from community.models.base import NAMING_CONVENTION, Base, UTCDateTime, stored_enum
from community.models.buddies import BuddyPair, BuddyProfile, MatchRound, PairStatus
from community.models.chats import DialogueState, PlatformState, ProcessedEvent
from community.models.outbox import (
    OPEN_ROWS,
    OutboxKey,
    OutboxMention,
    OutboxMessage,
    OutboxStatus,
    SenderProcess,
)
from community.models.people import (
    CodeTry,
    Community,
    Neighbourhood,
    ParentProfile,
    Person,
    Role,
    RoleCode,
)
from community.models.prompts import (
    CommunityTranslator,
    Prompt,
    PromptAnswer,
    PromptMachineText,
    PromptTranslation,
    Rsvp,
    TranslationRequest,
)
from community.models.rooms import ModerationReport, RelayedMessage, Room, RoomNewcomer

__all__ = [
    "NAMING_CONVENTION",
    "OPEN_ROWS",
    "Base",
    "BuddyPair",
    "BuddyProfile",
    "CodeTry",
    "Community",
    "CommunityTranslator",
    "DialogueState",
    "MatchRound",
    "ModerationReport",
    "Neighbourhood",
    "OutboxKey",
    "OutboxMention",
    "OutboxMessage",
    "OutboxStatus",
    "PairStatus",
    "ParentProfile",
    "Person",
    "PlatformState",
    "ProcessedEvent",
    "Prompt",
    "PromptAnswer",
    "PromptMachineText",
    "PromptTranslation",
    "Role",
    "RoleCode",
    "RoomNewcomer",
    "Room",
    "RelayedMessage",
    "Rsvp",
    "SenderProcess",
    "TranslationRequest",
    "UTCDateTime",
    "stored_enum",
]
