"""The words for outcomes and situations, as plain strings.

The command line builds its option help from these without importing the
engine (:mod:`followup_script.engine.stages` defines the enums and checks that they
match these keys).
"""

OUTCOME_HELP = {
    "scheduled": "you talked and agreed on a time for the next call",
    "no-time": "you talked but they could not give you a time",
    "no-commitment": "no commitment yet (they will get back to you, or you did not ask)",
    "no-answer": "you followed up (voicemail, email) and heard nothing",
    "replied": "they got back to you",
    "stop": "they asked you not to contact them again",
}

SITUATION_HELP = {
    "application": "you sent a resume or an application",
    "interview": "you had an interview",
    "networking": "you had a networking conversation",
    "info": "you asked for information",
}
