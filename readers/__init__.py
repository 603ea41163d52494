"""The readers' code: queries of the published copy (marts and reference only), figures, formatting for people,
the quarterly report and the review packets. Used by the dashboard (dashboard/app.py) and the operator's
`report` and `packet` commands; never reads the build database or the record directly."""
