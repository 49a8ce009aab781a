"""models/staging is rendered from ingest/schemas.py: a column added to one must reach the other."""

from ingest.dbt_sources import rendered


def test_staging_models_match_the_schemas():
    stale = [path.name for path, text in rendered().items() if not path.exists() or path.read_text() != text]
    assert not stale, f"run `python -m ingest.dbt_sources` to regenerate: {stale}"
