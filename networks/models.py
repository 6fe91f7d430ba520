# Registry models arrive with the networks issue.
