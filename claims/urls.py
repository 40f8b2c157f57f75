from django.urls import path

from claims import views

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article_retry"),
]
