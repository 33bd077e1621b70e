"""A newcomer's first steps, as conversations (issue 17, the newcomer findings): a postcode in
any digits and letters, language names on every button, help for where the person is, the
step kept across /language, a clear word after /stop, and no menu that is only "Close"."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from community.models import ParentProfile
from tests.support.chat import Chat


def _profile(app: App) -> ParentProfile:
    with app.session_factory() as session:
        return session.scalars(select(ParentProfile)).one()


# -- a postcode typed on an Arabic keyboard ----------------------------------------------------
def test_a_postcode_in_arabic_digits_and_letters_is_accepted(chat: Chat, app: App) -> None:
    chat.say("hala: /start ARNHEM")
    chat.say("hala: العربية")
    chat.say("hala: نعم")
    assert chat.say("hala: ٦٨٢٥ اب")[0] == "شكرًا. أنت تسكن في \u2068Presikhaaf-Oost\u2069."
    assert _profile(app).postcode_area == "6825"  # the letters are not kept
