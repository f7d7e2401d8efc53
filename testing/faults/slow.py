"""Run a management command with some functions slowed down, so that a test can kill the process
while it is inside them (fault injection for testing/faults/tests):

    python -m testing.faults.slow permits.monitoring.services.audit_record=0.25 -- manage.py run_huey -n

Each `module.attribute=seconds` is replaced by a wrapper that sleeps, then calls the original.
Nothing else changes: the command runs with the process's own settings.
"""

import functools
import importlib
import sys
import time


def _slowed(fn, seconds: float):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        time.sleep(seconds)
        return fn(*args, **kwargs)

    return wrapper


def main(argv: list[str]) -> None:
    split = argv.index("--")
    targets, command = argv[1:split], argv[split + 1 :]
    import django

    django.setup()
    for target in targets:
        path, seconds = target.split("=")
        module_name, attribute = path.rsplit(".", 1)
        module = importlib.import_module(module_name)
        setattr(module, attribute, _slowed(getattr(module, attribute), float(seconds)))
    from django.core.management import execute_from_command_line

    execute_from_command_line(command)


if __name__ == "__main__":
    main(sys.argv)
