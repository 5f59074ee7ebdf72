"""Single sign-on: each organisation's own OpenID Connect provider (docs/single-sign-on.md).

``selectors`` finds an organisation's provider and the one account a sign-in may reach;
``services`` saves the configuration, audited; ``adapter`` is django-allauth's social account
adapter, which refuses every sign-in the rules do not allow; ``forms`` refuse a password to
staff of an organisation that requires single sign-on; ``views`` hold the configuration page
and the "sign in with your organisation's account" step.
"""
