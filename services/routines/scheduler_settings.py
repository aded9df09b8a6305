"""The routines' settings, read once from the app's configuration (keys in capitals, see README)."""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from services.core.errors import N_, Invalid


def _clock(value: str, key: str) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(key, N_("%(field)s 需要 HH:MM 格式")) from None


def _minutes(config: Mapping, key: str, default: int) -> timedelta:
    return timedelta(minutes=int(config.get(key, default)))


@dataclass(frozen=True)
class Settings:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    reminder_day_before_at: time = time(18)
    reminder_before: timedelta = timedelta(hours=2)
    hold: timedelta = timedelta(hours=2)
    min_hold: timedelta = timedelta(minutes=10)
    hold_lead: timedelta = timedelta(minutes=30)
    no_show_grace: timedelta = timedelta(minutes=15)
    # Per space: a resource id or a space kind → minutes.
    no_show_grace_by_space: Mapping = field(default_factory=dict)
    no_show_flag_count: int = 3
    no_show_flag_days: int = 30
    outreach_days: int = 14
    outreach_age: int = 80
    outreach_at: time = time(8)
    digest_at: time = time(7)
    # No message goes out from quiet_from until quiet_until (equal times: no quiet hours).
    quiet_from: time = time(21)
    quiet_until: time = time(8)
    cancelled_retention_days: int = 30
    outbox_retention_days: int = 180
    default_channel: str = "log"
    desk_contact: Mapping = field(default_factory=lambda: {"channel": "log", "address": "desk"})
    operator_contacts: Mapping = field(default_factory=dict)
    redact_sensitive: bool = True
    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=1)
    claim_lease: timedelta = timedelta(minutes=5)
    batch_size: int = 10
    mail: Mapping = field(default_factory=dict)
    webhook: Mapping = field(default_factory=dict)
    backup_dir: str | None = None  # unset: no nightly backup (the admin page warns)
    backup_at: time = time(2, 30)
    backup_keep_daily: int = 7
    backup_keep_monthly: int = 6

    def grace_for(self, resource_id: int, kind: str) -> timedelta:
        by_space = self.no_show_grace_by_space
        minutes = by_space.get(resource_id, by_space.get(str(resource_id), by_space.get(kind)))
        return self.no_show_grace if minutes is None else timedelta(minutes=int(minutes))

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels that can send: log always, e-mail and webhook once configured."""
        found = ["log"]
        if self.mail.get("server"):
            found.append("email")
        if self.webhook.get("url"):
            found.append("webhook")
        return tuple(found)


def settings_from(config: Mapping) -> Settings:
    """Build the settings from a Flask config (or any mapping); absent keys keep the defaults."""
    return Settings(
        tz=ZoneInfo(config.get("TIMEZONE", "Asia/Shanghai")),
        reminder_day_before_at=_clock(config.get("REMINDER_DAY_BEFORE_AT", "18:00"), "REMINDER_DAY_BEFORE_AT"),
        reminder_before=_minutes(config, "REMINDER_BEFORE_MINUTES", 120),
        hold=_minutes(config, "WAITLIST_HOLD_MINUTES", 120),
        min_hold=_minutes(config, "WAITLIST_MIN_HOLD_MINUTES", 10),
        hold_lead=_minutes(config, "WAITLIST_HOLD_LEAD_MINUTES", 30),
        no_show_grace=_minutes(config, "NO_SHOW_GRACE_MINUTES", 15),
        no_show_grace_by_space=dict(config.get("NO_SHOW_GRACE_BY_SPACE", {})),
        no_show_flag_count=int(config.get("NO_SHOW_FLAG_COUNT", 3)),
        no_show_flag_days=int(config.get("NO_SHOW_FLAG_DAYS", 30)),
        outreach_days=int(config.get("OUTREACH_DAYS", 14)),
        outreach_age=int(config.get("OUTREACH_AGE", 80)),
        outreach_at=_clock(config.get("OUTREACH_AT", "08:00"), "OUTREACH_AT"),
        digest_at=_clock(config.get("OPERATOR_DIGEST_AT", "07:00"), "OPERATOR_DIGEST_AT"),
        quiet_from=_clock(config.get("QUIET_HOURS_FROM", "21:00"), "QUIET_HOURS_FROM"),
        quiet_until=_clock(config.get("QUIET_HOURS_UNTIL", "08:00"), "QUIET_HOURS_UNTIL"),
        cancelled_retention_days=int(config.get("CANCELLED_RETENTION_DAYS", 30)),
        outbox_retention_days=int(config.get("OUTBOX_RETENTION_DAYS", 180)),
        default_channel=config.get("NOTIFY_DEFAULT_CHANNEL", "log"),
        desk_contact=dict(config.get("DESK_CONTACT", {"channel": "log", "address": "desk"})),
        operator_contacts=dict(config.get("OPERATOR_CONTACTS", {})),
        redact_sensitive=bool(config.get("REDACT_SENSITIVE_IN_MESSAGES", True)),
        max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS", 5)),
        retry_base=timedelta(seconds=int(config.get("OUTBOX_RETRY_BASE_SECONDS", 60))),
        mail={key: config.get(f"MAIL_{key.upper()}") for key in
              ("server", "port", "username", "password", "use_tls", "use_ssl", "sender", "timeout")},
        webhook={key: config.get(f"WEBHOOK_{key.upper()}") for key in ("url", "secret", "timeout")},
        backup_dir=config.get("BACKUP_DIR") or None,
        backup_at=_clock(config.get("BACKUP_AT", "02:30"), "BACKUP_AT"),
        backup_keep_daily=int(config.get("BACKUP_KEEP_DAILY", 7)),
        backup_keep_monthly=int(config.get("BACKUP_KEEP_MONTHLY", 6)),
    )
