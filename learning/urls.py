from django.urls import include, path

from learning import views

app_name = "learning"

pages = [
    path("", views.home, name="home"),
    # Before the module addresses, which would otherwise take "reflection" as a module.
    path("reflection/", views.reflection, name="reflection"),
    path("reflection/<slug:principle>/", views.reflection_edit, name="reflection_edit"),
    path("reflection/<slug:principle>/plan/", views.reflection_to_plan, name="reflection_to_plan"),
    path("<slug:module>/", views.module_detail, name="module"),
    path("<slug:module>/lessons/<slug:lesson>/", views.lesson, name="lesson"),
    path("<slug:module>/quiz/", views.quiz, name="quiz"),
    path("<slug:module>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("<slug:module>/quiz/result/", views.result, name="result"),
]

urlpatterns = [path("o/<slug:org_slug>/learning/", include(pages))]
