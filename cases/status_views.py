"""The worker's status page (DESIGN §8): phone number, code, cases. No account."""

from django.shortcuts import render


def start(request):
    return render(request, "status/start.html")
