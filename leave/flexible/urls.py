from django.urls import path

from leave.flexible import views

urlpatterns = [
    path("", views.flexible_home, name="flexible_home"),
    path("new/", views.flexible_new, name="flexible_new"),
    path("all/", views.flexible_all, name="flexible_all"),
    path("<int:pk>/", views.flexible_detail, name="flexible_detail"),
    path("<int:pk>/consult/", views.flexible_consult, name="flexible_consult"),
    path("<int:pk>/decide/", views.flexible_decide, name="flexible_decide"),
    path("<int:pk>/extend/", views.flexible_extend, name="flexible_extend"),
    path("<int:pk>/appeal/", views.flexible_appeal, name="flexible_appeal"),
    path("<int:pk>/withdraw/", views.flexible_withdraw, name="flexible_withdraw"),
    path("<int:pk>/letter.pdf", views.flexible_letter, name="flexible_letter"),
]
