from django.urls import include, path

from leave.flexible import views

app_name = "flexible"

pages = [
    path("", views.flexible_home, name="home"),
    path("new/", views.flexible_new, name="new"),
    path("all/", views.flexible_all, name="all"),
    path("<int:pk>/", views.flexible_detail, name="detail"),
    path("<int:pk>/consult/", views.flexible_consult, name="consult"),
    path("<int:pk>/decide/", views.flexible_decide, name="decide"),
    path("<int:pk>/extend/", views.flexible_extend, name="extend"),
    path("<int:pk>/appeal/", views.flexible_appeal, name="appeal"),
    path("<int:pk>/withdraw/", views.flexible_withdraw, name="withdraw"),
    path("<int:pk>/letter.pdf", views.flexible_letter, name="letter"),
]

urlpatterns = [path("o/<slug:org_slug>/flexible/", include(pages))]
