"""Periodic reports on inspection work (báo cáo định kỳ công tác thanh tra) built from the
cases: the reporting periods and cut-off of the reporting circular, its statistical tables as
versioned data, figures as of the cut-off, every cell drilled down to its records."""
