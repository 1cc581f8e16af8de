"""Session factories for the batch jobs in rota.jobs, apart from the request path.

Written during the async migration; two of them kept SQLAlchemy's default
`expire_on_commit=True`, which under asyncio turns the first attribute read
after a commit into an implicit refresh that cannot run (MissingGreenlet).
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import sessionmaker

from rota.db.session import async_engine, engine

# Wrong: expires every object at commit.
JobSessionLocal = async_sessionmaker(async_engine)  # expect: RPL104

# Wrong too: the SQLAlchemy 1.4 spelling of the same factory.
LegacyJobSessionLocal = sessionmaker(async_engine, class_=AsyncSession)  # expect: RPL104

# Right: objects stay readable after commit.
ImportSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)  # ok: RPL104

# Right: the 1.4 spelling with the flag.
ExportSessionLocal = sessionmaker(  # ok: RPL104
    async_engine, class_=AsyncSession, expire_on_commit=False
)

# Right: a sync factory; a sync session refreshes expired objects by itself.
SyncJobSessionLocal = sessionmaker(bind=engine)  # ok: RPL104

# Right: the default is kept, but every session that reads its objects after a
# commit turns it off when it opens (`ReportSessionLocal(expire_on_commit=False)`
# in rota.jobs.holiday_import); the others read nothing after committing.
ReportSessionLocal = async_sessionmaker(async_engine)  # ok: RPL104

# Wrong: one session opened with the default reads its rows after committing.
AuditSessionLocal = async_sessionmaker(async_engine)  # expect: RPL104
