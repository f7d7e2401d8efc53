from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "permits.workflow"
    label = "workflow"
    verbose_name = "Alur SOP"

    def ready(self) -> None:
        # The step kinds this app owns, for the workflow engine (permits/workflow/steps.py).
        from .kinds import register_workflow_kinds

        register_workflow_kinds()
