"""Exchange (数据交换): Canlian's traffic with the government's other systems.

Bulk record exchange first: the migration import that moves a federation's existing
certificate holders and running subsidy grants into Canlian (迁移导入), with a
reconciliation report. See docs/integration.md.
"""
