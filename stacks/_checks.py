"""Attach the checks to an app: ours plus cdk-nag v3's AwsSolutions and Serverless packs.

app.py calls ``attach_checks(app)``; the context flag ``constructs-lib:checks`` (true in
cdk.json) turns them off with ``npx cdk synth -c constructs-lib:checks=false``.
Findings are acknowledged where they arise, with a reason, via
``Validations.of(construct).acknowledge(Acknowledgment(id=..., reason=...))``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import App, IPolicyValidationPlugin, Validations

CONTEXT_FLAG = "constructs-lib:checks"


def checks_enabled(app: App) -> bool:
    """The flag's value; absent means on. ``-c flag=false`` arrives as the string "false"."""
    value: Any = app.node.try_get_context(CONTEXT_FLAG)
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "off")
    return bool(value)


def attach_checks(app: App) -> list[IPolicyValidationPlugin]:
    """Add InvocationModelChecks, AwsSolutionsChecks and ServerlessChecks to ``app``
    unless the context flag is false; return the plugins added (empty when off)."""
    if not checks_enabled(app):
        return []
    from cdk_nag import AwsSolutionsChecks, ServerlessChecks

    from constructs_lib import InvocationModelChecks

    plugins: list[IPolicyValidationPlugin] = [
        InvocationModelChecks(),
        AwsSolutionsChecks(app),
        ServerlessChecks(app),
    ]
    Validations.of(app).add_plugins(*plugins)
    return plugins
