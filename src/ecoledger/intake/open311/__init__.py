"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): services are categories, requests are
complaints, and a request's progress is its complaint's and its problem's."""
