"""The query layer: every question the dashboard asks of the published snapshot, as a function
taking the `Snapshot` first. Nothing here draws on the page."""
