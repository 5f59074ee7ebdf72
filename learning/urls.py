from django.urls import include, path

from learning import authoring_views, badge_views, views

app_name = "learning"

pages = [
    path("", views.home, name="home"),
    path("badges/", badge_views.badges, name="badges"),
    path("badges/<uuid:public_id>/", badge_views.badge, name="badge"),
    # Before the module addresses, which would otherwise take "reflection" as a module.
    path("reflection/", views.reflection, name="reflection"),
    path("reflection/<slug:principle>/", views.reflection_edit, name="reflection_edit"),
    path("reflection/<slug:principle>/plan/", views.reflection_to_plan, name="reflection_to_plan"),
    path("figures/", views.figures, name="figures"),
    path("content/", authoring_views.content, name="content"),
    path(
        "content/<slug:module>/<slug:lesson>/",
        authoring_views.content_edit,
        name="content_edit",
    ),
    path(
        "content/<slug:module>/<slug:lesson>/standard/",
        authoring_views.content_reset,
        name="content_reset",
    ),
    path("<slug:module>/", views.module_detail, name="module"),
    path("<slug:module>/lessons/<slug:lesson>/", views.lesson, name="lesson"),
    path("<slug:module>/quiz/", views.quiz, name="quiz"),
    path("<slug:module>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("<slug:module>/quiz/result/", views.result, name="result"),
]

# Public and sign-in free: what anyone given a badge opens to check it.
public = [
    path("check/", badge_views.badge_verify, name="badge_verify"),
    # The holder's own file, from any page: a badge is theirs to keep after they leave.
    path("mine/<uuid:public_id>/download/", badge_views.badge_download, name="badge_download"),
    path("images/<slug:module>.svg", badge_views.badge_image, name="badge_image"),
    path(
        "images/<slug:org_slug>/<slug:module>.svg",
        badge_views.badge_image,
        name="badge_image_own",
    ),
    path("<uuid:public_id>/", badge_views.badge_public, name="badge_public"),
]

urlpatterns = [
    path("o/<slug:org_slug>/learning/", include(pages)),
    path("badges/", include(public)),
]
