"""Serving an application in production: ``pyjolt run`` on granian with N worker processes.

``settings`` holds the server options and their safe defaults, ``granian_server`` starts
granian with them, ``worker_app`` is the factory each worker process calls to build the
application (behind the proxy-headers middleware), and ``preflight`` checks the app for
parts that are only correct in a single process.
"""

from .settings import ServerSettings

__all__ = ["ServerSettings"]
