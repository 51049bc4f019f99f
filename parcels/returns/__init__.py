"""The quarterly returns workflow: a parcel's managers fill in, check and submit its return; the office reviews,
approves it into the official statistics (locking the quarter), sends it back or unlocks it.

Models are in parcels.models; ``validation`` is pure; ``queries`` reads, ``services`` writes, ``pages`` builds what
each page shows, ``views`` and ``urls`` serve them.
"""
