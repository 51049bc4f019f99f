"""The project: settings, URLs, the Celery app, and the pure helpers both apps share.

The Celery app is loaded by ParkplanConfig.ready() (and found by ``celery -A
parkplan`` as parkplan.celery), not here, so that importing a pure helper such
as parkplan.numbers pulls in neither Django nor Celery.
"""
