"""The knowledge owners' report (`make report`): what practitioners asked, what the assistant could
not answer, and how answers were rated, read from the SQL tracker store."""
