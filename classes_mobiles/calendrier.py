"""School calendar: import of official holidays and derivation of a campaign's loan periods.

(Interface fixed by the socle; the implementation is being written.)
"""


class CalendrierIndisponible(Exception):
    """No holiday data for this school year and zone: never guess periods."""


def generer_periodes(campagne):
    raise NotImplementedError
