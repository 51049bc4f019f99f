"""Template context shared by every page."""


def site(request):
    return {}
