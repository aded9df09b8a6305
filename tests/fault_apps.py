"""App factories for the fault tests' subprocesses (`--app "tests.fault_apps:…()"`): settings from the environment."""
import json
import os

from app import create_app


def configured_app():
    """The app on DATABASE_URL with the extra settings in FAULT_TEST_CONFIG (JSON)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SECRET_KEY": "fault-test",
                       "TIMEZONE": "Asia/Shanghai", **json.loads(os.environ.get("FAULT_TEST_CONFIG", "{}"))})
