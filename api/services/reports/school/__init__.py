"""Reports about one organization (figure 6 of the manual): one module per report group."""

from api.services.reports.school import (  # noqa: F401
    about,
    admin,
    attendance,
    homework,
    journal,
    lists,
    marks,
    movement,
    performance,
)
