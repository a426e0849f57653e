"""``python -m pyjolt.cli``: the same as the ``pyjolt`` command."""

from .main import main

main()
