from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from accounts import hooks as account_hooks
        from audit.selectors import register_private_object_type
        from learning import hooks as learning_hooks
        from learning import rules  # noqa: F401  registers the permissions
        from organisations import hooks

        hooks.home_cards.register(learning_hooks.home_cards)
        hooks.waiting_for.register(learning_hooks.waiting_for)
        # A quiz result is the learner's own, like their personal plan.
        register_private_object_type("learning.quizattempt")
        register_private_object_type("learning.badge")
        account_hooks.account_panels.register(learning_hooks.account_panels)
        # So is what they write in their reflection log: even "Saved a reflection" is theirs.
        register_private_object_type("learning.reflectionentry")
