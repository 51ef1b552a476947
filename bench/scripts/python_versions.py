"""Prints, as one JSON object, the versions of Python and of the modules the Celery side and the charts use."""

import json
import platform

versions = {"python": platform.python_version()}
for module in ("celery", "kombu", "amqp", "billiard", "sqlalchemy", "psycopg2", "matplotlib"):
    try:
        versions[module] = __import__(module).__version__.split(" ")[0]
    except Exception:  # noqa: BLE001 - a missing module is a line saying so, not a failed run
        versions[module] = "not installed"
print(json.dumps(versions))
