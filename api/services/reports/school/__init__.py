"""Reports about one organization (figure 6 of the manual): one module per report group; listed in `catalogue`."""
