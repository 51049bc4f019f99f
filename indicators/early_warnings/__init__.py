"""Early warnings (预警, docs/method.md §9): the indicators and parcels whose target is in danger.

``rules`` (pure) decides a plan's list from its stored progress; ``queries`` reads what
the list and its e-mails need; ``services.refresh_warnings`` keeps each plan's stored
list (``indicators.models.EarlyWarning``) in step with the latest progress and e-mails
each item once when it enters and once when it leaves; ``mail`` writes those e-mails.
Beat runs the service (``indicators.tasks.refresh_early_warnings``), and so does the
``refresh_warnings`` command. The pages are ``indicators.dashboard.warnings``.
"""
