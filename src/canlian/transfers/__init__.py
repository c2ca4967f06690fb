"""Transfers between Canlian deployments (跨省通办): a person's hukou moving from one
deployment to another, and applications lodged at the place of residence forwarded to the
place of hukou. Two running instances exchange signed messages (docs/integration.md)."""
