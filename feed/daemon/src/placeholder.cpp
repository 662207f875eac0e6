// daemon components (issue 3)
