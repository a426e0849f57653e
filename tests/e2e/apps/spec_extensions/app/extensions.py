from pyjolt.caching import Cache
from pyjolt.database import SqlDatabase
from pyjolt.database.migrate import Migrate

db: SqlDatabase = SqlDatabase(db_name="db")
migrate: Migrate = Migrate(db, command_prefix="")
cache: Cache = Cache()
