"""The rule catalogue: one module per rule, registered here in code order."""

from __future__ import annotations

from repolint.rules.base import Rule
from repolint.rules.rpl000_cannot_parse import CannotParse
from repolint.rules.rpl101_blocking_session_call import BlockingSessionCall
from repolint.rules.rpl102_sync_data_access_in_async import SyncDataAccessInAsync
from repolint.rules.rpl201_commit_in_repository import CommitInRepository
from repolint.rules.rpl301_lazy_load_per_row import LazyLoadPerRow
from repolint.rules.rpl302_lazy_load_in_async import LazyLoadInAsync
from repolint.rules.rpl304_missing_with_relations_variant import MissingWithRelationsVariant
from repolint.rules.rpl305_with_relations_not_eager import WithRelationsNotEager

ALL_RULES: tuple[type[Rule], ...] = (
    CannotParse,
    BlockingSessionCall,
    SyncDataAccessInAsync,
    CommitInRepository,
    LazyLoadPerRow,
    LazyLoadInAsync,
    MissingWithRelationsVariant,
    WithRelationsNotEager,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Rule"]
