"""The service's periodic checkpoint over all chain heads (app.audit.checkpoint)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from app.audit.checkpoint import write_checkpoint

logger = logging.getLogger(__name__)


class Checkpointer:
    """A daemon thread that writes a checkpoint every `interval` seconds when a head has
    moved. Several workers or servers may each run one: the worst case is two checkpoints
    close together, both correct."""

    def __init__(self, sessions: sessionmaker[Session], interval: float) -> None:
        self._sessions = sessions
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> bool:
        with self._sessions() as session:
            entry = write_checkpoint(session)
            session.commit()
            return entry is not None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if self.run_once():
                    logger.info("audit_checkpoint")
            except Exception:  # noqa: BLE001 - the next round tries again; log it
                logger.exception("audit_checkpoint_failed")
