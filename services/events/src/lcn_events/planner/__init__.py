"""The conference team's pages: the year planner, the event form, publishing a year and the registrations."""
