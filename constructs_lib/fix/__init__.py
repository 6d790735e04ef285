"""``constructs-lib check --fix``: each finding's fix written into the template.

- :mod:`~constructs_lib.fix.rules`: one small pure function per rule, a finding and the
  template in, edits out (or why the finding is left alone, or why its file is refused);
- :mod:`~constructs_lib.fix.site`: where a fix goes in the template as written - the SAM
  source (``Events``, ``EventInvokeConfig``, ``DeadLetterQueue``), never the translation;
- :mod:`~constructs_lib.fix.yaml_writer` / :mod:`~constructs_lib.fix.json_writer`: the
  edits into the text, with ruamel.yaml's round trip for YAML (comments, key order,
  quoting, flow style, short tags and indentation survive) and the file's own indentation
  for JSON;
- :mod:`~constructs_lib.fix.plan`: findings to fixed texts, verified and kept to the lines
  the fixes need; :mod:`~constructs_lib.fix.cdk`: advice for templates CDK synthesized;
- :mod:`~constructs_lib.fix.writer`: the one safe way a fixed file is written.

It sits beside :mod:`constructs_lib.explain`, above the checks and the template reader,
and never imports the simulation: proving a fix by simulating it is the command's
(:mod:`constructs_lib.cli.fix`). Importing this package loads nothing; ruamel.yaml only
when a YAML file is rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs_lib._lazy import lazy_exports

if TYPE_CHECKING:
    from constructs_lib.fix.cdk import CdkAdvice
    from constructs_lib.fix.edits import Fix, LeftAlone, Refusal
    from constructs_lib.fix.plan import FilePlan, FixPlan, plan
    from constructs_lib.fix.rules import FIXERS, LEFT_ALONE
    from constructs_lib.fix.writer import WriteRefused, write_template

_EDITS, _PLAN, _RULES = "constructs_lib.fix.edits", "constructs_lib.fix.plan", "constructs_lib.fix.rules"
__getattr__, __dir__ = lazy_exports(__name__, {
    "CdkAdvice": "constructs_lib.fix.cdk",
    "Fix": _EDITS, "LeftAlone": _EDITS, "Refusal": _EDITS,
    "FilePlan": _PLAN, "FixPlan": _PLAN, "plan": _PLAN,
    "FIXERS": _RULES, "LEFT_ALONE": _RULES,
    "WriteRefused": "constructs_lib.fix.writer", "write_template": "constructs_lib.fix.writer",
}, globals())

__all__ = ["FIXERS", "LEFT_ALONE", "CdkAdvice", "FilePlan", "Fix", "FixPlan", "LeftAlone", "Refusal", "WriteRefused",
           "plan", "write_template"]
