"""Cross-domain plain-Python helpers (no Django import in geo/text) and the base templates."""
