// alerts implementation (issue 4)
