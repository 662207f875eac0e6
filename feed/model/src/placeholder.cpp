// model implementation (issue 2)
