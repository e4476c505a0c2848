"""Words for codes the ledger stores as they came, shown to people in their language."""

from __future__ import annotations

from django import template

from ecoledger.intake.choices import Channel

register = template.Library()


@register.filter
def channel_label(channel: str) -> str:
    """A source ticket's channel: the public intake's own channels by name, others as typed."""
    return str(Channel(channel).label) if channel in Channel.values else channel
