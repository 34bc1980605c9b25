"""Prefect flows: orchestration only; the work is in extractors/, normalize/ and outputs/."""
