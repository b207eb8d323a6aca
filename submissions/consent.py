"""What a submitter agrees to. Each submission stores the wording it was given and its version,
so a later change of wording never rewrites what an earlier reader agreed to.

Change CONSENT_VERSION whenever either sentence changes.
"""

CONSENT_VERSION = "2026-11"

RIGHTS = (
    "I filmed or took this myself, or I own it or have the right to share it, and I have "
    "permission from anyone who can be identified in it."
)
LICENCE = (
    "I grant Newsroom a non-exclusive, worldwide licence to publish what I send, in full or "
    "in part, on its website and social media, and to license it to Newsroom's partners."
)


def wording():
    """Both statements as stored with a submission and quoted in its receipt."""
    return f"{RIGHTS}\n{LICENCE}"
