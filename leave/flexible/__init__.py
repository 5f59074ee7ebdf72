"""Statutory flexible-working requests (Employment Rights Act 1996 ss.80F-80I as amended
from 6 April 2024): the writes (``services``), the reads (``selectors``), the pages
(``views``, ``forms``, ``urls``) and the outcome letter (``letters``).

The numbers per nation and date are rule rows in ``leave/statutory.py``; the API routes
are with the rest of leave's in ``leave/api.py``.
"""
