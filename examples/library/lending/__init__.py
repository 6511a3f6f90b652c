"""Lending core of the Sakura Community Library example project.

Implements part of the specs under `.specify/specs/`: catalog search (S-CATALOG-001), lending and
returns (S-LOAN-001) and late fees (S-FEES-001). Reservations (S-RESERVE-001) are still a Draft
spec and have no code yet.

The package root imports nothing on purpose: each test then depends only on the modules it
really uses, which keeps affected-test selection meaningful.
"""

from __future__ import annotations

__version__ = "0.3.0"
