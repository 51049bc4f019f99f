"""What the dashboard pages show: one module per page over small shared blocks.

The pages read only the precomputed IndicatorValue and Progress rows (through
indicators.queries), never the enterprise statistics. A parcel figure the
recompute's disclosure rules withhold (indicators.disclosure) reaches the office
only: for anyone else the tables and downloads say why in its place
(results.hidden_words), the charts leave it out.

Pages: ``overview``, ``indicator`` (with the tables behind its charts),
``parcels`` (the heat map), ``parcel``, ``areas`` (the functional areas),
``preview`` (what a saved return would make of its parcel's indicators),
``parcel_map`` (the parcels coloured on the map) and ``warnings`` (the early
warnings: the overview's panel and the office's list); ``holdback`` names who
holds each target back on the overview.
Blocks: ``periods`` (the period a page shows), ``results`` (the stored rows by
key, and what a reader may see of them), ``tables`` (the tables behind the
charts), ``trends`` (a trend chart's inputs), ``words`` (names, units, targets
and statuses in the reader's language) and ``reasons`` (why a status).
"""
