"""NBC's KHQR SDK (npm `bakong-khqr`, pinned in package.json) as an outside verifier: every KHQR
payload the payment tests build is checked by `BakongKHQR.verify` and `decode` through node.
Skips, saying why, only where node or node_modules is absent (CI runs `npm ci`)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("node") / "khqr_verify.js"
SDK = ROOT / "node_modules" / "bakong-khqr"


def sdk_missing_reason() -> str:
    if shutil.which("node") is None:
        return "node is not installed: NBC's KHQR SDK cannot run here (CI installs it)"
    if not SDK.is_dir():
        return "node_modules/bakong-khqr is absent: run `npm ci` to verify KHQR with NBC's SDK"
    return ""


def sdk_verify(*payloads: str) -> list[dict]:
    """[{isValid, error, decoded}] per payload, from NBC's SDK."""
    reason = sdk_missing_reason()
    if reason:
        pytest.skip(reason)
    completed = subprocess.run(  # noqa: S603 (fixed script, our own payloads on stdin)
        ["node", str(SCRIPT)],
        input="\n".join(payloads) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout)
