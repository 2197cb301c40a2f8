"""The workshop file: connection, migrations and queries. The only place with SQL."""

from console.store.core import Transaction, WorkshopStore
from console.store.files import StoreError

__all__ = ["StoreError", "Transaction", "WorkshopStore"]
