"""The worker's rights over their personal information (PIPL arts. 44–47) and the
retention of closed cases.

- copy.py      everything held about a worker, as data (JSON) and as a PDF
- anonymise.py removing personal data from a case and a worker, keeping the statistics
- retention.py which archived cases are due, the dry-run report, the scheduled run
- views.py, forms.py, urls.py   the staff's page for a worker's request
"""

# The privacy event kind is declared where anonymisation writes it; importing the
# package (CasesConfig.ready does) declares it before the first request.
from cases.privacy import anonymise  # noqa: E402, F401
