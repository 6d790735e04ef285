#!/usr/bin/env python3
"""The reference stacks: `npx cdk synth|deploy` runs this (see cdk.json)."""

from aws_cdk import App

from stacks import build_reference_app

app = App()
build_reference_app(app)
app.synth()
