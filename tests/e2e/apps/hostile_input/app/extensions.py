# app/extensions.py

from pyjolt.caching import Cache

cache: Cache = Cache()
