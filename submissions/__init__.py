"""Reader submissions: what the public sends through "Submit Your Content", and the desk that
clears it.

An app of its own because it is a different kind of data with different rules from the rest of
the site: it comes from strangers rather than staff, it holds personal data (names, email and
network addresses) and proof of consent, and its files live in private storage that no public
address reaches. Articles and the media library receive a submission only when an editor turns
a cleared one into a draft (submissions.drafting); until then nothing here touches them.
"""
