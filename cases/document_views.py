"""Document pages: generate, list versions, download (permission-checked)."""
