from django.urls import include, path

from learning import authoring_views, badge_views, own_module_views, views

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
    # An organisation's own modules: before the module addresses, like the pages above.
    path("modules/", own_module_views.own_modules, name="own_modules"),
    path("modules/new/", own_module_views.own_module_new, name="own_module_new"),
    path("modules/<slug:module>/", own_module_views.own_module, name="own_module"),
    path(
        "modules/<slug:module>/details/",
        own_module_views.own_module_details,
        name="own_module_details",
    ),
    path(
        "modules/<slug:module>/preview/",
        own_module_views.own_module_preview,
        name="own_module_preview",
    ),
    path(
        "modules/<slug:module>/publish/",
        own_module_views.own_module_publish_view,
        name="own_module_publish",
    ),
    path(
        "modules/<slug:module>/retire/",
        own_module_views.own_module_retire_view,
        name="own_module_retire",
    ),
    path("modules/<slug:module>/lessons/new/", own_module_views.own_lesson, name="own_lesson_new"),
    path(
        "modules/<slug:module>/lessons/<slug:lesson>/",
        own_module_views.own_lesson,
        name="own_lesson",
    ),
    path(
        "modules/<slug:module>/lessons/<slug:lesson>/move/",
        own_module_views.own_lesson_move_view,
        name="own_lesson_move",
    ),
    path(
        "modules/<slug:module>/lessons/<slug:lesson>/remove/",
        own_module_views.own_lesson_remove_view,
        name="own_lesson_remove",
    ),
    path(
        "modules/<slug:module>/questions/new/",
        own_module_views.own_question,
        name="own_question_new",
    ),
    path(
        "modules/<slug:module>/questions/<slug:question>/",
        own_module_views.own_question,
        name="own_question",
    ),
    path(
        "modules/<slug:module>/questions/<slug:question>/remove/",
        own_module_views.own_question_remove_view,
        name="own_question_remove",
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
