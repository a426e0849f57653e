"""The SQLAlchemy model both database apps use: a generated resource's Product, as is.

The database comes from ``BENCH_DATABASE_URL`` (a ``postgresql+asyncpg://`` URL); run.py
creates the table and its rows before timing and drops them afterwards.
"""

import os

from sqlalchemy import Float, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pyjolt.database import NAMING_CONVENTION, AsyncQueryMixin
from pyjolt.schemas import StrictModel

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
TABLE = os.environ.get("BENCH_TABLE", "bench_products")


class Base(AsyncQueryMixin, DeclarativeBase):
    """As ``pyjolt generate`` writes app/models/base.py."""

    __db_name__ = "db"
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Product(Base):
    """As ``pyjolt generate resource products name:str! price:float`` writes it."""

    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    price: Mapped[float] = mapped_column(Float)


class ProductOut(StrictModel):
    """A stored product."""

    id: int
    name: str
    price: float
