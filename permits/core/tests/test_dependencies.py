"""The installed environment is the locked one: every distribution the project needs (its direct pins and
everything they pull in, for the product and the test and s3 extras) is in requirements.lock at the installed version.
A fresh `make test` installs with the lock as constraints; this test fails when the lock and the environment
have drifted (a pin changed in pyproject.toml without `make lock`, or an install that ignored the lock)."""

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[3] / "requirements.lock"


def _locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _needed(root: str, extras: set[str]) -> set[str]:
    """The distributions installed for `root` with `extras`, walking the requirements' markers as pip does."""
    seen: set[str] = set()
    todo = [(root, frozenset(extras))]
    while todo:
        name, wanted = todo.pop()
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            environments = [{"extra": extra} for extra in wanted] or [{"extra": ""}]
            if req.marker and not any(req.marker.evaluate(env) for env in environments):
                continue
            child = canonicalize_name(req.name)
            if child not in seen:
                seen.add(child)
                todo.append((child, frozenset(req.extras)))
    return seen


def test_every_needed_distribution_is_locked_at_its_installed_version():
    locked = _locked()
    assert locked, "requirements.lock has no pins"
    needed = _needed("smart-permits", {"test", "s3"})  # what `make test` installs
    assert {"django", "sqlparse", "asgiref", "pydantic-core", "boto3"} <= needed  # the walk reaches transitive ones
    drift = {
        name: (locked.get(name), metadata.version(name))
        for name in sorted(needed)
        if locked.get(name) != metadata.version(name)
    }
    assert drift == {}, f"(locked, installed) differ; run `make lock` or reinstall: {drift}"
