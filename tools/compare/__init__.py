"""One account against its peers: peer groups (build_cohort) and compare_customer."""
