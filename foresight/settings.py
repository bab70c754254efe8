"""Runtime settings, read from the environment (prefix ``FORESIGHT_``) when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
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

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'foresight.db').as_posix()}"


def get_settings() -> Settings:
    """Build settings from the current environment (call it where they are needed, not at import)."""
    return Settings()
