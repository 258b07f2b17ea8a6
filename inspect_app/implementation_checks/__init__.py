"""Checking the implementation of a conclusion (kiểm tra việc thực hiện kết luận thanh tra, Law
84/2025 Art. 55, Decree 216/2025): the decision, its team and period, the minutes and a result
per case; the step of the ladder between the urging letter and the responsibility proposal."""
