"""constructs_lib.handlers: importable in a Lambda function without aws-cdk-lib."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return proc.stdout.strip()


def test_importing_the_handlers_does_not_import_aws_cdk() -> None:
    out = _run(
        "import sys\n"
        "from constructs_lib.handlers import OrderedBatchProcessor, batch_info\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'constructs', 'jsii')))"
    )
    assert out == "[]"


def test_batch_info_needs_no_powertools() -> None:
    out = _run(
        "import sys\n"
        "from constructs_lib.handlers import batch_info\n"
        "print('aws_lambda_powertools' in sys.modules)"
    )
    assert out == "False"


def test_the_stream_handlers_use_the_packaged_processor() -> None:
    from constructs_lib.handlers import OrderedBatchProcessor
    from streams import ddb_handler, kinesis_handler

    assert type(kinesis_handler.processor) is OrderedBatchProcessor
    assert type(ddb_handler.processor) is OrderedBatchProcessor


def test_lambda_src_imports_only_the_handler_helpers_of_the_library() -> None:
    import ast

    imported = set()
    for path in (ROOT / "lambda_src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {m for m in imported if m.split(".")[0] == "constructs_lib"}
    assert ours == {"constructs_lib.handlers"}
    assert not {m for m in imported if m.split(".")[0] in ("aws_cdk", "constructs")}
