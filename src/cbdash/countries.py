"""Public interface: `cbdash.countries.to_iso3(name)` (messy country name -> ISO3 or None).
The implementation is `cbdash.data.countries`."""

from cbdash.data.countries import country_name, to_iso3

__all__ = ["country_name", "to_iso3"]
