# app/api/exceptions/custom_exceptions.py

from pyjolt import CustomException


class EntityNotFound(CustomException):
    """Raised when a requested entity does not exist"""
