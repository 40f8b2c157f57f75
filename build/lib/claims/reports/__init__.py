"""Verdict reports (HTML, PDF, CSV, JSON, Markdown) and schema.org ClaimReview."""
