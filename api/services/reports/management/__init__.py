"""Management reports across many organizations: one module per report (`activity`, `staff`, `performance`,
`attendance`) over the grouped statement of `grouped`; each report's methodology is in `<report>.<lang>.txt`."""
