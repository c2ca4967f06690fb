"""Canlian (数字残联): the information system of a Disabled Persons' Federation."""
