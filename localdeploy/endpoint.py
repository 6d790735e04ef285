"""The local AWS endpoint: moto in server mode, in its own process, on a free loopback port.

`python -m localdeploy.endpoint --port N` runs the server in the foreground (this is what
`running_endpoint()` starts as a child process). Extensions that close moto's gaps are
registered here, before the server starts (see `localdeploy.moto_ext`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
#: The host name clients use. moto's CloudFormation treats a TemplateURL as path-style
#: (bucket in the path) only when it contains "localhost" (moto/cloudformation/utils.py);
#: with 127.0.0.1 it would take "127" as the bucket name and the change set fails.
URL_HOST = "localhost"
#: The fixed account and region the local deploys use (moto's default account).
ACCOUNT = "123456789012"
REGION = "us-east-1"
#: Dummy credentials: moto accepts any; they keep the CLI and boto3 away from real ones.
LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "CDK_DEFAULT_ACCOUNT": ACCOUNT,
    "CDK_DEFAULT_REGION": REGION,
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def serve(port: int) -> None:
    """Run moto's server in this process until killed, with our extensions applied."""
    from moto.server import ThreadedMotoServer

    from localdeploy import moto_ext

    moto_ext.install()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    try:
        while True:
            time.sleep(3600)
    finally:  # pragma: no cover
        server.stop()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited early with status {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                return
        time.sleep(0.2)
    raise TimeoutError(f"moto server at {url} not ready after {timeout_s} s")


@contextlib.contextmanager
def running_endpoint(log_path: Path | None = None) -> Iterator[str]:
    """Start the endpoint on a free port in a child process; yield its URL; always stop it."""
    port = free_port()
    url = f"http://{URL_HOST}:{port}"
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    env = {**os.environ, **LOCAL_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "localdeploy.endpoint", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        _wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
        if log_path:
            log.close()  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    args = parser.parse_args(argv)
    port = args.port or free_port()
    print(f"local endpoint on http://{HOST}:{port}", flush=True)
    serve(port)


if __name__ == "__main__":
    main()
