"""Public interface: `cbdash.export.to_csv(df) -> bytes`, the spreadsheet-safe CSV behind
every download. The implementation is `cbdash.present.export`."""

from cbdash.present.export import file_name, to_csv

__all__ = ["file_name", "to_csv"]
