#!/usr/bin/env bash
# One role and one database per service, each owned by its role and closed to the others
# (DESIGN.md, "Data and configuration"). The postgres image runs this once, on an empty volume.
set -euo pipefail

database() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$1" -v password="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

database intake "$INTAKE_DB_PASSWORD"
database routing "$ROUTING_DB_PASSWORD"
database casework "$CASEWORK_DB_PASSWORD"
