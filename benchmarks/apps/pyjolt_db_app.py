"""PyJolt database endpoints, in the code shape ``pyjolt generate resource`` writes."""

from pyjolt import BaseConfig, HttpStatus, PyJolt, Request, Response, abort
from pyjolt.controller import Controller, get, path
from pyjolt.database import AsyncSession, SqlDatabase
from pyjolt.schemas import Page, PageQuery

from .db_models import DATABASE_URL, Product, ProductOut

db = SqlDatabase()


@path("/api/v1/products")
class ProductsApi(Controller):
    @get("/")
    @db.managed_session
    async def list_products(
        self, req: Request, paging: PageQuery, session: AsyncSession
    ) -> Response[Page[ProductOut]]:
        """One page of products, oldest first."""
        query = Product.query(session).order_by(Product.id)
        return req.response.json(await query.paginate(paging.page, paging.per_page))

    @get("/<id:product_id>")
    @db.managed_session
    async def get_product(
        self, req: Request, product_id: int, session: AsyncSession
    ) -> Response[ProductOut]:
        """One product by id."""
        product = await session.get(Product, product_id)
        if product is None:
            abort(f"Product {product_id} not found", status_code=HttpStatus.NOT_FOUND)
        return req.response.json(product)


class Config(BaseConfig):
    APP_NAME: str = "bench-db"
    DEBUG: bool = False
    OPEN_API: bool = False
    DATABASE_URI: str = DATABASE_URL
    MODELS: list[str] = ["apps.db_models:Product"]


app = PyJolt(Config())
db.init_app(app)
app.register_controller(ProductsApi)
app.build()
