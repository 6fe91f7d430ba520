# Payment models arrive with the payments issue.
