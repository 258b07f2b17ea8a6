"""The conclusion's lifecycle (kết luận thanh tra): from the team report to the Chairman's
written implementing instruction, each step with the due date its deadline rule gives."""
