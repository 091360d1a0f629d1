"""Singer tap for LinkedIn Lead Sync."""
