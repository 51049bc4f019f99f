"""Serve the plotly.js bundled with the installed plotly package, and nothing else of the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
NAME = "plotly.min.js"


def package_data() -> Path:
    return Path(importlib.util.find_spec("plotly").submodule_search_locations[0]) / "package_data"


class PlotlyJsFinder(BaseFinder):
    """Find static/vendor/plotly/plotly.min.js in the plotly package.

    The browser then always gets the plotly.js version plotly.py writes figures
    for; the package's other data (datasets, a 5 MB widget bundle) is never
    collected.
    """

    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=package_data())
        self.storage.prefix = PREFIX

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{NAME}":
            return []
        found = str(package_data() / NAME)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield NAME, self.storage
