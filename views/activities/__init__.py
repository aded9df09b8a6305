"""The programme's pages and API (活动报名)."""
