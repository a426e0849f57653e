"""The app's own commands, e.g. ``python cli.py db-upgrade``.

The ``pyjolt`` command (``pyjolt db upgrade``, ``pyjolt routes``...) covers the same
ground; this script keeps the extensions' commands reachable without it.
"""

if __name__ == "__main__":
    from app import Application

    Application().run_cli()
