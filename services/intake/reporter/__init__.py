"""The reporter: sealed at rest, unsealed only by audited staff with the role."""
