"""The settings counter: bumped by every change of the centre's spaces, their hours and rules, the centre, and
accounts with their display settings and API tokens.

Workers reuse what they derive from these (copies of spaces and accounts, the day board's table) while it stands still;
a change made through any worker, the scheduler or the CLI moves it in the same transaction.
"""

from models import ApiToken, Centre, OpeningHours, Resource, SettingsChange, User, UserSetting
from services.core.storage.change_counters import ChangeCounter
from services.core.storage.change_counters import install as install_counter

SETTINGS = ChangeCounter(SettingsChange.__table__, (Resource, OpeningHours, Centre, User, UserSetting,
                                                    ApiToken),
                           "settings_changed")


def install() -> None:
    install_counter(SETTINGS)

