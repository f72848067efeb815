"""The Chainlit front end's helpers: app.py's handlers delegate to :mod:`agent.ui.chat`.

Modules: ``chat`` (what each handler does), ``events`` (tool steps and streaming),
``render`` (an Answer as message, charts, tables, downloads), ``actions`` (buttons
and their validated payloads), ``uploads`` (attachments copied into the workspace),
``settings`` (the settings panel), ``auth``
(optional sign-in and per-user workspaces).
"""
