"""Moved to parcels.returns.validation; this name stays only while indicators.preview_views imports it.

indicators may read a return through parcels.queries alone: ``parcels.queries.return_records(parcel_return)``
gives the checked rows as enterprise records in one call. Delete this module once the preview uses it.
"""

from .returns.validation import ERROR, WARNING, Checked, CheckedRow, Context, Finding, check_return

__all__ = ["ERROR", "WARNING", "Checked", "CheckedRow", "Context", "Finding", "check_return"]
