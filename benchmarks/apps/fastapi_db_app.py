"""FastAPI database endpoints on the same SQLAlchemy model, written the FastAPI way."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .db_models import DATABASE_URL, Product, ProductOut

engine = create_async_engine(DATABASE_URL)
sessions = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


class ProductPage(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[ProductOut]
    total: int
    page: int
    pages: int
    per_page: int


Session = Annotated[AsyncSession, Depends(get_session)]


@app.get("/api/v1/products/")
async def list_products(
    session: Session,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProductPage:
    total = await session.scalar(select(func.count()).select_from(Product))
    rows = await session.scalars(
        select(Product).order_by(Product.id).limit(per_page).offset((page - 1) * per_page)
    )
    total = total or 0
    return ProductPage(
        items=[ProductOut.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        page=page,
        pages=(total + per_page - 1) // per_page,
        per_page=per_page,
    )


@app.get("/api/v1/products/{product_id}")
async def get_product(product_id: int, session: Session) -> ProductOut:
    product = await session.get(Product, product_id)
    if product is None:
        raise HTTPException(404, f"Product {product_id} not found")
    return ProductOut.model_validate(product, from_attributes=True)
