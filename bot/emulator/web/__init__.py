"""The browser face of the demo workspace (`duban demo --web`).

server.WebWorkspace serves one page and a small JSON/SSE API on 127.0.0.1; every click, submission and
message goes through the SlackEmulator driver (signed requests to the bot), exactly as the console does.
blocks_html/mrkdwn turn Block Kit into HTML on the server; static/ holds the page, its CSS and one
vanilla script, so nothing needs a Node toolchain.
"""
