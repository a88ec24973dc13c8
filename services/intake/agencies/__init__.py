"""The agency registry: agencies, API keys, request signing, the admin API and the CLI."""
