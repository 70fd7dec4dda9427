"""Input channels: the REST channel with input checks (and, later, Slack, Teams and the web page)."""
