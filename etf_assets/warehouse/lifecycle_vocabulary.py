"""The lifecycle vocabulary as the warehouse stores it (SCHEMA.md, `lifecycle_event.kind`,
`lifecycle_state.state`, `class_key`): one set of names for the code that writes it
(etf_assets.lifecycle.events) and the read-only queries over it
(etf_assets.warehouse.lifecycle_queries). Here, with no imports, because the serving app
reads through the warehouse layer and never imports a slice.
"""

from __future__ import annotations

PROPOSED, DELAYED, EFFECTIVE, TRADING, CHANGED, CLOSED = (
    "proposed", "delayed", "effective", "trading", "changed", "closed")
# lifecycle_event.kind values.
KINDS = (PROPOSED, DELAYED, EFFECTIVE, TRADING, CHANGED, CLOSED)
# lifecycle_state.state values: `changed` is an event that never moves the state.
STATES = (PROPOSED, DELAYED, EFFECTIVE, TRADING, CLOSED)

SERIES_LEVEL = ""  # class_key of an event or state about a whole series
