"""A local Slack-compatible workspace for `duban demo` and end-to-end tests.

seed: the demo organisation; driver.SlackEmulator: the workspace (Web API server + acting as users);
console.DemoConsole: a terminal front end; render: readable text for messages and views.
"""
