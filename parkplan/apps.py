from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkplanConfig(AppConfig):
    """The project's shared layer: settings, health, backups, and what both apps use."""

    name = "parkplan"
    verbose_name = _("平台")

    def ready(self):
        from django.utils.translation import get_language, gettext

        from . import celery, heartbeat, text

        celery.app.set_default()  # shared tasks bind to this app in every process

        # The pure modules speak the active language once Django is up.
        text.install(gettext=gettext, get_language=get_language)
        # Every process connects the worker heartbeat's signals; only a Celery worker fires them.
        heartbeat.connect()
