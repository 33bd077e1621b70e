"""The buddy matcher: parent profiles in, scored and explained pair proposals out. Pure: no
database, no chat platform (the matcher itself comes with the buddy-matching issue)."""
