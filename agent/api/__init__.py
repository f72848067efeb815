"""The HTTP API (FastAPI): thin routing over the same tool functions the agent calls.

``app.create_api`` builds the ``/api`` app (typed by the tools' pydantic models, documented at
``/api/docs``), ``server.create_server`` mounts the Chainlit chat beside it (``peerbench serve``).
"""
