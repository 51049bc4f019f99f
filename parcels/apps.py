from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = _("地块与企业统计")

    def ready(self):
        from .returns import services
        from .services import register_effect_check

        # The first check of an approval's effect: the parcel's own number of enterprises.
        register_effect_check(services.enterprise_count_effect)
