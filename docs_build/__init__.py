"""Build-time helpers of the documentation site (MkDocs hooks and generated pages)."""
