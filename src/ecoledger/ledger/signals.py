"""Moments of a problem's life that other apps act on, inside the same transaction.

Receivers run before the transaction commits, so what they write (answers to
source tickets, scheduled follow-ups, notifications) stands or falls with the
workflow step itself.
"""

from __future__ import annotations

from django.dispatch import Signal

problem_closed = Signal()
"""Sent by ``accept_problem`` with ``problem``, ``acting_user`` and ``review``."""

problem_rebounded = Signal()
"""Sent by ``rebound_problem`` with ``problem``, ``acting_user`` and ``reason``."""
