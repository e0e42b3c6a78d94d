"""The private file store: the one home of where case files live.

Attachments, generated documents and their Word copies, uploaded final versions,
statistics exports and station posters are all written to and read from
`STORAGES["private"]` (config/settings.py): local disk by default (PRIVATE_FILES_ROOT),
or an S3-compatible bucket when S3_BUCKET is set, so that every web and worker node
sees the same files. Nothing is ever public: no URL is routed to the files, the bucket
keeps the private ACL, and files leave only through the permission-checked, audited
views, streamed by the app.

Faults: a store that cannot be reached raises `StorageUnavailable` (its message is for
the user); writers that also write rows save the file first and delete it again when
anything after fails (`written`), so there is never a row without its file nor a file
without its row.
"""

import contextlib
import contextvars
import logging
import os
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ALIAS = "private"


class PrivateStorage(LazyObject):
    """`storages["private"]`, looked up afresh when the setting changes (tests)."""

    def _setup(self):
        self._wrapped = storages[ALIAS]


_private = PrivateStorage()


def private_storage():
    """The FileFields' storage (a callable, so migrations name it rather than a copy)."""
    return _private


@receiver(setting_changed)
def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


class StorageUnavailable(Exception):
    """The file store could not be reached or refused the operation."""

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(_("文件存储暂时无法访问，文件没有保存或读取。请稍后重试。"))


# The store's own failures: disk permissions, an S3 endpoint down or refusing.
UNAVAILABLE = (PermissionError, IsADirectoryError, TimeoutError, BotoCoreError, ClientError)


@contextlib.contextmanager
def reachable():
    """Turn the store's own errors (disk permissions or space, S3 connection, 5xx) into
    `StorageUnavailable`; a missing file stays FileNotFoundError."""
    try:
        yield
    except FileNotFoundError:
        raise
    except OSError as exc:  # disk full, read-only, permissions
        logger.error("private file store failed: %r", exc)
        raise StorageUnavailable(exc.__class__.__name__) from exc
    except UNAVAILABLE as exc:
        logger.error("private file store failed: %r", exc)
        raise StorageUnavailable(exc.__class__.__name__) from exc


_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "private_files_written", default=None
)


@contextlib.contextmanager
def written():
    """Delete again the files saved inside the block (`saved(name)`) if the block fails.

    Wrap it around the transaction that writes the rows naming the files, so a rollback
    (or a failed commit) leaves no file without its row. Nested blocks hand their
    names to the enclosing one when they succeed."""
    names: list[str] = []
    token = _written.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            try:
                _private.delete(name)
            except Exception:  # noqa: BLE001 — the store may be the reason we are here
                logger.warning("could not remove %s after a failed write", name)
        raise
    finally:
        _written.reset(token)
    outer = _written.get()
    if outer is not None:
        outer.extend(names)


def save(field_file, name: str, content) -> None:
    """Save `content` into a FileField (the row is saved by the caller) and note the
    stored name for the enclosing `written()`."""
    with reachable():
        field_file.save(name, content, save=False)
    collector = _written.get()
    if collector is not None:
        collector.append(field_file.name)


def open_for_reading(field_file):
    """The stored file opened for reading; FileNotFoundError when it is gone,
    StorageUnavailable when the store cannot be reached."""
    if not field_file:
        raise FileNotFoundError("no file")
    with reachable():
        return field_file.open("rb")


def check() -> str:
    """ "ok", or why the store is not usable. Cheap enough for a load balancer's probe:
    one HEAD request to the bucket (reachable, there, credentials accepted), or on local disk
    whether the root is a writable folder."""
    storage = storages[ALIAS]
    try:
        if storage.__class__.__module__.startswith("django.core.files.storage"):
            root = Path(storage.location)
            root.mkdir(parents=True, exist_ok=True)
            if not os.access(root, os.W_OK | os.X_OK):
                return "error: not writable"
            return "ok"
        # The bucket exists and these credentials may use it.
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    except Exception as exc:  # noqa: BLE001 — any failure means unhealthy
        return f"error: {exc.__class__.__name__}"
    return "ok"
