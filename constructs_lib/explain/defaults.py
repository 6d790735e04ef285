"""The report's defaults, importable without building a report (the command line's flags)."""

#: The average invocation duration assumed by the capacity estimate when ``--duration``
#: is not given: 1 s, a typical duration for a handler that calls one or two services.
DEFAULT_DURATION_S = 1.0
