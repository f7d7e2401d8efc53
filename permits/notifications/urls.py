from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/kannel/dlr", views.kannel_dlr, name="kannel_dlr"),
    path("notifications/whatsapp/webhook", views.whatsapp_webhook, name="whatsapp_webhook"),
    path("pesan/gagal/", views.failed, name="failed"),
    path("pesan/<int:pk>/kirim-ulang/", views.retry, name="retry"),
    path("dev/inbox/", views.inbox, name="inbox"),
]
