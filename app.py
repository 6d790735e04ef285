#!/usr/bin/env python3
"""The reference stacks: `npx cdk synth|deploy` runs this (see cdk.json).

Our invocation-model checks and cdk-nag's AwsSolutions and Serverless packs validate
every stack at synth; `-c constructs-lib:checks=false` turns them off.
"""

from aws_cdk import App

from stacks import build_reference_app
from stacks._checks import attach_checks

app = App()
build_reference_app(app)
attach_checks(app)
app.synth()
