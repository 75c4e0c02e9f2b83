"""The serving app: REST API (and, beside it, the HTML explorer) over the warehouse."""
