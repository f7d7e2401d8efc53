from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tugas/<int:task_id>/", views.task_detail, name="task"),
    path("tugas/<int:task_id>/ambil/", views.task_claim, name="claim"),
    path("tugas/<int:task_id>/tugaskan/", views.task_assign, name="assign"),
    path("tugas/<int:task_id>/jadwal-survei/", views.task_schedule, name="schedule"),
    path("tugas/<int:task_id>/selesai/", views.task_complete, name="complete"),
    path("tugas/<int:task_id>/kembalikan/", views.task_return, name="return"),
    path("tugas/<int:task_id>/tolak/", views.task_reject, name="reject"),
    path("permohonan/<str:number>/langkah-sebelumnya/", views.application_rework, name="rework"),
    path("permohonan/<str:number>/perbaikan/", views.application_resubmit, name="resubmit"),
    path("permohonan/<str:number>/cabut/", views.application_withdraw, name="withdraw"),
]
