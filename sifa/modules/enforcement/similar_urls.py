"""URLs of 类案检索, 复议/诉讼 outcomes and imported decisions, included by the module's ``urls.py``."""

from django.urls import path

from sifa.modules.enforcement import outcome_views, similar_views

urlpatterns = [
    path("cases/<int:case_id>/similar/", similar_views.similar_cases, name="similar_cases"),
    path("cases/<int:case_id>/similar/answer/", similar_views.similar_answer, name="similar_answer"),
    path("cases/<int:case_id>/outcomes/", outcome_views.outcome_record, name="outcome_record"),
    path("decisions/", similar_views.decision_list, name="decision_list"),
    path("decisions/import/", similar_views.decision_import, name="decision_import"),
    path("decisions/import/template.xlsx", similar_views.decision_template, name="decision_template"),
]
