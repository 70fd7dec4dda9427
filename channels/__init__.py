"""Input channels, one module per channel (credentials.py writes the credentials file `make run` uses):

rest.py          the REST channel with input checks            /webhooks/rest/webhook
webchat.py       the web chat page (webchat/), via REST         /webhooks/webchat/
slack.py         Slack, threads, Block Kit (slack_blocks.py)   /webhooks/slack/webhook
teams.py         Microsoft Teams (teams_auth.py, teams_cards.py) /webhooks/teams/webhook
answer.py        reads an answer's text (bold, numbered items, bullets, source) for Slack and Teams
"""
