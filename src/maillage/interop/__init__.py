"""Exchange formats: Open Know-Where facilities, machine CSV and GeoJSON (see docs/okw.md)."""
