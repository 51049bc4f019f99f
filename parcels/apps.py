from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _built_in_elements(sender, *, apps=None, using="default", **kwargs) -> None:
    """After migrate (and after a flush, which empties every table), make sure the thirteen elements exist.

    ``apps`` is the migrated state (migrate sends it; flush does not: then the models are current).
    """
    if apps is None:
        from django.apps import apps
    try:
        model = apps.get_model("parcels", "DataElement")
    except LookupError:  # migrated back before the data elements
        return
    from .services import ensure_built_in_elements

    ensure_built_in_elements(model, using=using)


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = _("地块与企业统计")

    def ready(self):
        from .returns import services
        from .services import register_effect_check

        # The first check of an approval's effect: the parcel's own number of enterprises.
        register_effect_check(services.enterprise_count_effect)
        post_migrate.connect(_built_in_elements, sender=self, dispatch_uid="parcels_built_in_elements")
