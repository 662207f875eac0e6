// config implementation (issue 2)
