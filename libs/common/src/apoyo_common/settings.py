"""Settings from environment variables (prefix `APOYO_`), one object for every service."""

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APOYO_", extra="ignore", frozen=True)

    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_partitions: int = Field(default=6, ge=1)
    # Isolates deployments (and test runs) sharing one Kafka cluster: topics and groups.
    namespace: str = Field(default="", pattern=r"^[a-z0-9-]{0,40}$")
    database_url: str = "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
    db_pool_max: int = Field(default=10, ge=1)
    storage: str = Field(default="s3", pattern="^(s3|local)$")
    storage_dir: Path = Path(".local/objects")
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "apoyo"
    s3_secret_key: SecretStr = SecretStr("apoyo-secret-key")
    s3_bucket: str = "apoyo-evidence"
    s3_secure: bool = False
    s3_region: str = "us-east-1"  # signed into every request (SigV4)
    # The HMAC key of one-time codes and, without a keyring, the one token key `k1`.
    token_secret: SecretStr = SecretStr("change-me-development-only-token-secret")
    # The token keyring (apoyo_common.token_keys): a JSON file, or the same JSON as a secret.
    token_keys_file: Path | None = None
    token_keys: SecretStr | None = None
    # How stale the list of revoked tokens may be (apoyo_common.revocation), at most a minute.
    token_revocation_max_age_s: float = Field(default=30.0, gt=0, le=60)
    citizen_key_secret: SecretStr = SecretStr("change-me-development-only-citizen-secret")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Processes of one service sharing its port (`apoyo serve --workers`, apoyo.workers).
    http_workers: int = Field(default=1, ge=1, le=64)
    max_image_bytes: int = 10 * MIB
    retry_attempts: int = Field(default=5, ge=1)
    retry_base_delay_s: float = Field(default=0.2, ge=0)
    outbox_interval_s: float = Field(default=0.5, gt=0)
    lag_interval_s: float = Field(default=15.0, gt=0)  # how often capture reads consumer lag
    log_level: str = "INFO"
    identity_workers: int = Field(default=0, ge=0)  # image-analysis processes; 0: one per core
    # Capture channels and guards (docs/capture-channels.md).
    signing_key_file: Path | None = None  # the institute's Ed25519 key (PEM); None: ephemeral
    # Encryption at rest (docs/security.md): the institute's key-encryption keys (a JSON key
    # file, made on first use); None: personal data is stored unencrypted (a warning says so).
    kek_file: Path | None = None
    key_cache_s: float = Field(default=300.0, ge=0)  # unwrapped data keys kept in memory
    public_url: str = ""  # base of the links sent to citizens; empty: the request's own
    echo_secrets: bool = False  # demo and tests only: answer invitation links and e-mail codes
    max_image_pixels: int = Field(default=40_000_000, ge=1)
    # Token buckets: a phone back online may send hundreds of supports queued offline at once.
    rate_ip_per_s: float = Field(default=20.0, ge=0)  # 0: no limit
    rate_ip_burst: int = Field(default=600, ge=1)
    rate_token_per_s: float = Field(default=2.0, ge=0)  # 0: no limit
    rate_token_burst: int = Field(default=600, ge=1)
    # A citizen's "was it me?" (docs/hearing.md): few tries per client and per clave, and a
    # floor under every answer so that its time tells nothing.
    lookup_rate_ip_per_s: float = Field(default=0.5, ge=0)  # 0: no limit
    lookup_rate_ip_burst: int = Field(default=30, ge=1)
    lookup_rate_clave_per_s: float = Field(default=1 / 120, ge=0)
    lookup_rate_clave_burst: int = Field(default=6, ge=1)
    lookup_floor_s: float = Field(default=0.4, ge=0)
    # The review desk: a rejection counts only once a second, different reviewer confirms it.
    review_second_reviewer: bool = False

    # E-mail (docs/notification.md): SMTP in production, a folder of .eml files embedded.
    mail_sender: str = Field(default="smtp", pattern="^(smtp|folder)$")
    mail_dir: Path = Path(".local/mail")
    mail_from: str = "Apoyo Ciudadano <no-responder@apoyo.invalid>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=0)
    smtp_user: str = ""  # empty: no AUTH
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    mail_rate_per_s: float = Field(default=2.0, ge=0)  # per recipient domain; 0: no limit
    mail_rate_burst: int = Field(default=20, ge=1)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_retry_base_s: float = Field(default=30.0, ge=0)
    mail_poll_s: float = Field(default=5.0, gt=0)  # how often due retries are looked for
    # The daily summary to aspirants: "process/aspirant" -> address (JSON), sent after the hour
    # (central Mexico time). The process definition has no addresses (docs/notification.md).
    summary_recipients: dict[str, str] = Field(default_factory=dict)
    summary_hour: int = Field(default=20, ge=0, le=23)

    def workers(self) -> int:
        return self.identity_workers or os.cpu_count() or 1
