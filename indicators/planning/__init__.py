"""The plan editor: the office creates, edits, checks, previews and publishes plans in the browser.

`queries` (reads: the plans, a formula's values, the check's facts, the
history), `services` (writes, each atomic and recorded with who and why),
the pure `checks` (what is missing or wrong), `forms`, thin `views`, `urls`.
"""
