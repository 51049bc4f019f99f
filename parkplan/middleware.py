"""Chinese first: the language is Chinese unless the user chose English with the switch."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activate the language from the switch's cookie, never from the browser's Accept-Language.

    Officials' browsers are often set to English; the pages must still open in
    Chinese until someone asks for English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
