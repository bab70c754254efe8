"""Runtime settings, read from the environment (prefix ``FORESIGHT_``) when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one Foresight installation.

    Every field can be set with an environment variable named ``FORESIGHT_<FIELD>``, e.g.
    ``FORESIGHT_DATABASE_URL=postgresql+psycopg://user@host/db``.
    """

    model_config = SettingsConfigDict(env_prefix="FORESIGHT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Folder for the SQLite file and caches.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means the embedded SQLite file <data_dir>/foresight.db.",
    )
    echo_sql: bool = False
    import_batch_size: int = Field(default=1000, ge=1, description="Records written per database round trip.")
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2",
        description="sentence-transformers model name or local path; the default is bundled (offline).",
    )
    embedding_backend: str = Field(default="torch", pattern="^(torch|onnx)$")
    embedding_batch_size: int = Field(default=64, ge=1)
    random_seed: int = Field(default=42, description="Seed of every random step of an analysis.")
    # Delphi web service (api/): admin token, server secret (CSRF, pseudonyms), links, limits, e-mail.
    admin_token: SecretStr | None = Field(default=None, description="Bearer token of the admin API.")
    secret_key: SecretStr | None = Field(
        default=None, description="Server secret (≥16 bytes) for CSRF tokens and expert pseudonyms."
    )
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base of invitation links.")
    invitation_days: int = Field(default=30, ge=1, description="Default validity of invitation links.")
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024, description="Larger bodies get 413.")
    smtp_host: str | None = Field(default=None, description="Outbox delivery only when set.")
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "foresight@localhost"
    smtp_starttls: bool = True

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'foresight.db').as_posix()}"


def get_settings() -> Settings:
    """Build settings from the current environment (call it where they are needed, not at import)."""
    return Settings()
