# app/api/shop_api.py

import os

from pydantic import BaseModel

from app.extensions import cache
from pyjolt import HttpStatus, MediaType, Request, Response, UploadedFile
from pyjolt.controller import Controller, consumes, get, path, post, produces


class Product(BaseModel):
    name: str
    price: float


class Upload(BaseModel):
    file: UploadedFile


@path("/api/v1")
class ShopApi(Controller):
    @get("/status")
    async def status(self, req: Request) -> Response:
        return req.response.json({"ok": True})

    @post("/products")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_product(self, req: Request, product: Product) -> Response[Product]:
        return req.response.json(product).status(HttpStatus.CREATED)

    @get("/profile")
    async def profile(self, req: Request) -> Response:
        return req.response.json({"theme": req.cookies.get("theme")})

    @post("/uploads")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def upload(self, req: Request, data: Upload) -> Response:
        folder = self.app.get_conf("UPLOAD_DIR")
        os.makedirs(folder, exist_ok=True)
        await data.file.save(os.path.join(folder, data.file.filename))
        return req.response.json({"filename": data.file.filename}).status(HttpStatus.CREATED)

    @get("/links")
    @cache.cache
    async def links(self, req: Request) -> Response:
        return req.response.json({"self": req.url})

    @get("/login")
    async def login(self, req: Request) -> Response:
        return req.response.redirect(req.query_params.get("next", "/"))

    @get("/greeting")
    async def greeting(self, req: Request) -> Response:
        return req.response.json({}).set_header("X-Greeting", req.query_params["name"])
