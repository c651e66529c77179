"""Comment sets with planted themes, in English and German, for the theme tests.

Each key is a planted theme; ids made from it (``refund-3``) let a test check where comments land.
"""

from __future__ import annotations

ENGLISH = {
    "refund": ["my refund was never processed", "still waiting for the refund to be processed",
               "refund not processed after two weeks", "where is my refund, not processed yet",
               "the refund is still not processed", "refund processed late, waiting forever"],
    "password": ["password reset link did not work", "could not reset my password, link expired",
                 "password reset email never arrived", "the password reset link is broken",
                 "reset password link expired again", "password reset failed twice"],
    "slow": ["slow reply from support, days of waiting", "reply was so slow, took days",
             "very slow reply to my ticket", "slow reply, three days for an answer",
             "answer came after days, slow reply", "slow reply again this week"],
    "praise": ["friendly agent solved everything quickly", "very friendly agent, solved my issue",
               "friendly and helpful agent, solved fast", "the agent was friendly and solved it",
               "solved quickly by a friendly agent", "friendly agent solved the problem"],
}

GERMAN = {
    "erstattung": ["meine Rückerstattung wurde nie bearbeitet", "warte immer noch auf die Rückerstattung",
                   "Rückerstattung seit zwei Wochen nicht bearbeitet", "wo bleibt meine Rückerstattung bitte",
                   "die Rückerstattung ist immer noch nicht bearbeitet", "Rückerstattung kam nie an"],
    "passwort": ["der Link zum Zurücksetzen des Passworts funktioniert nicht",
                 "Passwort zurücksetzen ging nicht, Link abgelaufen",
                 "die E-Mail zum Passwort zurücksetzen kam nie", "Passwort zurücksetzen schlug fehl",
                 "Link für das Passwort ist abgelaufen", "konnte mein Passwort nicht zurücksetzen"],
    "langsam": ["die Antwort kam sehr langsam, tagelang gewartet", "viel zu langsame Antwort vom Support",
                "langsame Antwort, drei Tage gewartet", "warum ist die Antwort immer so langsam",
                "wieder eine langsame Antwort diese Woche", "Antwort nach Tagen, viel zu langsam"],
    "lob": ["sehr freundlicher Mitarbeiter, alles schnell gelöst", "freundlicher Mitarbeiter hat mein Problem gelöst",
            "der Mitarbeiter war freundlich und hat alles gelöst", "schnell gelöst, sehr freundlicher Mitarbeiter",
            "freundlich und hilfsbereit, Problem gelöst", "toller freundlicher Mitarbeiter, schnell gelöst"],
}

#: Planted themes whose comments come with a low rating.
LOW = {"refund", "password", "slow", "erstattung", "passwort", "langsam"}

CONTENTLESS = ["ok", "thanks!", "👍👍", "thank you", "   "]
