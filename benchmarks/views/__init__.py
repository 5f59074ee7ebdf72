"""Benchmark pages, one module per journey: thin views over the selectors and services.

HR admins and organisation admins run assessments; the executive sponsor and the carer
champion read them. The permission decorator answers 403 to anyone else in the
organisation; another organisation's assessment is not found (404).
"""
