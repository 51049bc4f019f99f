"""The parcel map: outlines the office uploads as GeoJSON (``geojson`` checks them, pure), their
reads (``queries``) and writes (``services``); until there are any, the schematic blocks (示意图)
a plan file places from the parcels' boundaries (四至). The page is ``indicators.dashboard.parcel_map``."""
