"""Must not type-check: the generated types refuse ``None`` for a column that cannot hold it.

``mypy --strict`` is run on this file beside ``shop_api_flow.py``; the e2e test expects
exactly one error, on the line below that sends ``name=None``.
"""

from shop_client.models import ProductUpdate

ProductUpdate(name=None)
