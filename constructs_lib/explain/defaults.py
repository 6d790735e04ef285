"""The report's defaults, importable without building a report (the command line's flags)."""

#: The average invocation duration assumed by the capacity estimate when ``--duration``
#: is not given: 1 s, a typical duration for a handler that calls one or two services.
DEFAULT_DURATION_S = 1.0

#: The most functions whose fault scenarios ``explain`` simulates. Everything else in the
#: report takes time in proportion to the template (a 5,000-resource app in about the time
#: ``check`` takes), but the four simulated scenarios add a few hundredths of a second per
#: function (50 functions: about 2 s): a larger app's report leaves them out and says so
#: (``--simulate-up-to N`` raises the bar; ``bench/bench_checks.py`` measures both).
MAX_SIMULATED_FUNCTIONS = 50
