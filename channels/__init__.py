"""Input channels, one module per channel (credentials.py writes the credentials file `make run` uses):

rest.py          the REST channel with input checks            /webhooks/rest/webhook
webchat.py       the web chat page (webchat/), via REST         /webhooks/webchat/
slack.py         Slack, threads, Block Kit (slack_blocks.py)   /webhooks/slack/webhook
teams.py         Microsoft Teams (teams_auth.py, teams_cards.py) /webhooks/teams/webhook
answer.py        one message per answer, laid out from its parts (kb/parts.py), for Slack, Teams and REST
"""
