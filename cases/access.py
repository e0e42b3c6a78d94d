"""The one way views reach a case: anything the user may not see is a 404."""

from django.shortcuts import get_object_or_404

from .models import Case


def get_case_for(user, number: str) -> Case:
    queryset = Case.objects.visible_to(user).select_related("worker", "station", "lawyer")
    return get_object_or_404(queryset, number=number)
