from django.urls import include, path

from learning import views

app_name = "learning"

pages = [
    path("", views.home, name="home"),
    path("<slug:module>/", views.module_detail, name="module"),
    path("<slug:module>/lessons/<slug:lesson>/", views.lesson, name="lesson"),
    path("<slug:module>/quiz/", views.quiz, name="quiz"),
    path("<slug:module>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("<slug:module>/quiz/result/", views.result, name="result"),
]

urlpatterns = [path("o/<slug:org_slug>/learning/", include(pages))]
