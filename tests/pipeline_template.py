"""Synthesize the OrderPipeline stack once (no asset bundling) for the pipeline tests."""

from __future__ import annotations

from typing import Any

from aws_cdk import App

from tests.conftest import cdk_json_context


def synth_order_pipeline(outdir: str) -> tuple[Any, dict[str, Any]]:
    """(the stack, its template). Bundling is skipped: the tests read the template only."""
    from stacks.order_pipeline import OrderPipeline

    app = App(outdir=outdir, context={**cdk_json_context(), "aws:cdk:bundling-stacks": []})
    stack = OrderPipeline(app, "OrderPipeline")
    template = app.synth().get_stack_by_name("OrderPipeline").template
    return stack, template
