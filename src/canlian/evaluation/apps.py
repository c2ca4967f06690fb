from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """Evaluating the plan's implementation from outside the federation: citizens'
    satisfaction ratings (社会满意度调查) and the third-party evaluator (第三方评估)."""

    name = "canlian.evaluation"
    label = "evaluation"
    default_auto_field = "django.db.models.BigAutoField"
