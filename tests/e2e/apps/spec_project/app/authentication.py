# app/authentication.py

from pyjolt.auth import JWTAuthentication

auth = JWTAuthentication()
