"""The words of the synthetic helpdesk: team and agent names, ticket subjects, customer comments.

Kept apart from the generator so that the numbers stay readable there. The texts are short and
plausible on purpose: they show up verbatim in digests (low-rated lists, ticket links) and in the
demo, where lorem ipsum would make the output look broken.
"""

from __future__ import annotations

#: The first five teams are the ones a demo shows; further teams combine a topic with a region.
TEAM_NAMES: tuple[str, ...] = ("Billing", "Technical Support", "Onboarding", "Enterprise", "Returns")
EXTRA_TOPICS: tuple[str, ...] = (
    "Payments", "Shipping", "Accounts", "Integrations", "Mobile App", "Partners", "Security",
    "Hardware", "Marketplace", "Subscriptions",
)
REGIONS: tuple[str, ...] = ("EMEA", "Americas", "APAC", "Nordics", "DACH")

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Keiko", "Liam", "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wesley", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Chloe", "Dmitri",
    "Erin", "Felix", "Gita", "Hannah", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nadia",
)
LAST_NAMES: tuple[str, ...] = (
    "Andersen", "Brooks", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann",
    "Ibrahim", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Quintero", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz",
    "Zimmermann", "Almeida", "Bianchi", "Chen", "Dalton", "Evans", "Novak", "Grant", "Haddad",
    "Iversen", "Jovanovic", "Kim", "Lindqvist", "Murphy", "Nguyen",
)

#: Subjects by team, in TEAM_NAMES order; generated teams draw from GENERIC_SUBJECTS.
TEAM_SUBJECTS: tuple[tuple[str, ...], ...] = (
    (
        "Charged twice this month", "Refund for cancelled order", "Invoice shows the wrong VAT number",
        "Can't update my credit card", "Question about my last invoice", "Payment declined at checkout",
        "Change billing address", "Need a receipt for expenses",
    ),
    (
        "App crashes on login", "Export to CSV times out", "Password reset email never arrives",
        "Error 500 when saving settings", "Sync stuck at 99%", "Notifications stopped working",
        "Can't upload attachments", "Dashboard loads very slowly",
    ),
    (
        "Help setting up SSO", "How do I invite my team?", "Importing data from a spreadsheet",
        "Getting started with the API", "Trial extension request", "Which plan fits us?",
        "Setting up user roles", "Connecting our calendar",
    ),
    (
        "SLA report for last quarter", "Security questionnaire", "Contract renewal question",
        "Add 50 seats to our account", "Data processing agreement", "Dedicated account manager",
        "Audit log export", "Custom domain setup",
    ),
    (
        "Return label not received", "Item arrived damaged", "Wrong size delivered",
        "When will my refund arrive?", "Exchange for a different colour", "Missing item in package",
        "Return window question", "Pickup didn't show up",
    ),
)
GENERIC_SUBJECTS: tuple[str, ...] = (
    "Question about my account", "Something isn't working", "Need help urgently",
    "Follow-up on previous request", "Feature not available", "Update my details",
    "Feedback on the new version", "Can't find the setting",
)

GOOD_COMMENTS: tuple[str, ...] = (
    "Quick and friendly, thanks!", "Solved in minutes.", "Great help, thank you.",
    "Very clear explanation.", "Fast answer and it works now.", "Thanks for going the extra mile.",
)
BAD_COMMENTS: tuple[str, ...] = (
    "Took far too long to get an answer.", "Still not fixed.", "Had to explain the problem three times.",
    "Ticket was closed without solving anything.", "Canned answer that didn't help.",
    "Nobody replied for days.", "I was bounced between teams.", "The workaround doesn't work.",
)
#: Zendesk's fixed list of reasons a customer picks when rating bad.
BAD_REASONS: tuple[str, ...] = (
    "The issue took too long to resolve", "The issue was not resolved",
    "The agent's knowledge is unsatisfactory", "The agent's attitude is unsatisfactory", "Some other reason",
)

NPS_COMMENTS_HAPPY: tuple[str, ...] = (
    "Support is the reason we stay.", "Great product and even better people.", "Always quick to help.",
)
NPS_COMMENTS_UNHAPPY: tuple[str, ...] = (
    "Too many bugs lately.", "Support is slow to respond.", "Pricing went up without notice.",
)
CES_COMMENTS_HAPPY: tuple[str, ...] = ("Very easy, one email and done.", "Painless.", "Easier than expected.")
CES_COMMENTS_UNHAPPY: tuple[str, ...] = (
    "Had to contact you several times.", "Hard to find where to ask.", "Too many forms to fill in.",
)
