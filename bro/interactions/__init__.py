"""Interactions imported from help desks, chat tools, phone systems and CRMs, ready to be audited."""
