from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "permits.workflow"
    label = "workflow"
    verbose_name = "Alur SOP"
