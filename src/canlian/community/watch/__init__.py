"""Community support, poverty-return watch (防止返贫动态监测): shocks, screening and the monthly
review of cases.
"""
