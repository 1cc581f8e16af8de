"""The rule catalogue: one module per rule, registered here in code order."""

from __future__ import annotations

from repolint.rules.base import Rule
from repolint.rules.rpl000_cannot_parse import CannotParse
from repolint.rules.rpl101_blocking_session_call import BlockingSessionCall
from repolint.rules.rpl102_sync_data_access_in_async import SyncDataAccessInAsync
from repolint.rules.rpl103_async_session_not_awaited import AsyncSessionNotAwaited
from repolint.rules.rpl104_async_expire_on_commit import AsyncExpireOnCommit
from repolint.rules.rpl105_query_api_on_async_session import QueryApiOnAsyncSession
from repolint.rules.rpl201_commit_in_repository import CommitInRepository
from repolint.rules.rpl202_session_not_closed import SessionNotClosed
from repolint.rules.rpl301_lazy_load_per_row import LazyLoadPerRow
from repolint.rules.rpl302_lazy_load_in_async import LazyLoadInAsync
from repolint.rules.rpl303_query_per_row import QueryPerRow
from repolint.rules.rpl304_missing_with_relations_variant import MissingWithRelationsVariant
from repolint.rules.rpl305_with_relations_not_eager import WithRelationsNotEager
from repolint.rules.rpl306_joined_collection_without_unique import JoinedCollectionWithoutUnique
from repolint.rules.rpl307_unused_eager_load import UnusedEagerLoad
from repolint.rules.rpl308_lazy_load_in_serialization import LazyLoadInSerialization
from repolint.rules.rpl309_commit_per_row import CommitPerRow
from repolint.rules.rpl401_unordered_pagination import UnorderedPagination
from repolint.rules.rpl402_cartesian_product import CartesianProduct
from repolint.rules.rpl403_count_by_loading import CountByLoading
from repolint.rules.rpl404_legacy_query_api import LegacyQueryApi

ALL_RULES: tuple[type[Rule], ...] = (
    CannotParse,
    BlockingSessionCall,
    SyncDataAccessInAsync,
    AsyncSessionNotAwaited,
    AsyncExpireOnCommit,
    QueryApiOnAsyncSession,
    CommitInRepository,
    SessionNotClosed,
    LazyLoadPerRow,
    LazyLoadInAsync,
    QueryPerRow,
    MissingWithRelationsVariant,
    WithRelationsNotEager,
    JoinedCollectionWithoutUnique,
    UnusedEagerLoad,
    LazyLoadInSerialization,
    CommitPerRow,
    UnorderedPagination,
    CartesianProduct,
    CountByLoading,
    LegacyQueryApi,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Rule"]
