"""The parcel map: outlines the office uploads as GeoJSON (``geojson`` checks them, pure), their
reads (``queries``) and writes (``services``); until there are any, the schematic blocks of the
plan's reference data. The page is ``indicators.dashboard.parcel_map``."""
