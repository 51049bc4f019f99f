"""What the dashboard pages show: one module per page over small shared blocks.

The pages read only the precomputed IndicatorValue and Progress rows (through
indicators.queries), never the enterprise statistics. Every parcel figure built
from fewer than parcels.access.CONFIDENTIAL_BELOW enterprises is withheld from
readers who may not see it: the tables say hidden_text(), the charts and
downloads leave it out.

Pages: ``overview``, ``indicator`` (with the tables behind its charts),
``parcels`` (the heat map), ``parcel``, ``areas`` (the functional areas),
``parcel_map`` (the map), ``warnings`` (the early-warning panel and list) and
``preview`` (what a saved return would make of its parcel's indicators).
Blocks: ``periods`` (the period a page shows), ``results`` (the stored rows by
key, and what a reader may see of them), ``tables`` (the tables behind the
charts), ``trends`` (a trend chart's inputs), ``words`` (names, units, targets
and statuses in the reader's language), ``reasons`` (why a status),
``holdback`` (who holds a target back) and ``visibility`` (the one place the
overview's named parcels, the warnings and the map ask whether a parcel's
figures are withheld).
"""
