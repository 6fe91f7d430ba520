"""Dependency audit against the pinned requirements (docs/security.md).

Offline (always): every requirement is pinned with `==`, the installed version is the pinned
one (so what was audited is what runs), and `pip check` finds no broken dependency.
Online (`--online`, where a vulnerability database is reachable): pip-audit checks each pin
against the PyPI/OSV advisories; a known vulnerability fails, an unreachable database is
reported and does not.

Usage: .venv/bin/python scripts/audit_dependencies.py [--online]
"""

import json
import re
import subprocess  # nosec B404  # runs pip and pip-audit from this venv, fixed arguments
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["requirements.txt", "requirements-test.txt"]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(\[[^\]]+\])?==(?P<version>[^\s;#]+)")


def pins() -> dict[str, str]:
    found, problems = {}, []
    for filename in FILES:
        for number, raw in enumerate((ROOT / filename).read_text().splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("-r "):
                continue
            match = PIN.match(line)
            if not match:
                problems.append(f"{filename}:{number}: not pinned with ==: {raw}")
                continue
            found[match["name"].lower()] = match["version"]
    if problems:
        sys.exit("\n".join(problems))
    return found


def check_installed(pinned: dict[str, str]) -> list[str]:
    problems = []
    for name, version in sorted(pinned.items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name}: pinned {version}, not installed")
            continue
        if installed != version:
            problems.append(f"{name}: pinned {version}, installed {installed}")
    return problems


def online() -> int:
    command = [sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements.txt"), "-r", str(ROOT / "requirements-test.txt"), "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "-f", "json"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)  # nosec B603  # fixed command
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print("pip-audit: no report (database unreachable?):", result.stderr.strip()[-500:])
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"VULNERABLE {dep['name']} {dep['version']}: {ids}")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} pins audited, {len(vulnerable)} vulnerable")
    if skipped:
        print(f"pip-audit: {len(skipped)} not audited (vulnerability database unreachable from here)")
    return 1 if vulnerable else 0


def main() -> int:
    pinned = pins()
    problems = check_installed(pinned)
    pip_check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)  # nosec B603
    if pip_check.returncode:
        problems.append("pip check: " + pip_check.stdout.strip())
    for problem in problems:
        print(problem)
    print(f"offline audit: {len(pinned)} pins, {len(problems)} problems")
    status = 1 if problems else 0
    if "--online" in sys.argv:
        status |= online()
    return status


if __name__ == "__main__":
    sys.exit(main())
