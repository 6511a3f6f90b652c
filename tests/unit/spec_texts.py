"""Spec texts the discovery and header-scan tests share."""

# A Feature header under a template comment that itself says "Status:", and a "Status:" line in
# the body: only the header lines count.
FEATURE = """\
# Feature Spec: Book Lending

<!--
  Spec Status: Draft - initial creation
  Status: Deprecated
-->

Spec Type: Feature
Spec ID: S-LOAN-001
Status: Approved

---

## 1. Purpose and Scope
Status: Not a header
"""
