"""Where ``shared.outbox.deliver_email`` lived before the shared layer had its own package.

Queued tasks name their function by its import path, so work queued by the version before
the move still finds it here. Nothing imports this module; remove it a release later.
"""

from shared.outbox import deliver_email

__all__ = ["deliver_email"]
