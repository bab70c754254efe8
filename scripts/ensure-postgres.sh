#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth and a database "test".
# Installs Debian's postgresql when it is missing (CI machines normally have it running already).
set -euo pipefail
if ! command -v pg_isready >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    cluster=$(ls /etc/postgresql | head -n1)
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1" postgres >/dev/null 2>&1; then
    # fresh install: allow trust auth on loopback for the test user
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
    sed -i 's/^\(host\s\+all\s\+all\s\+127.0.0.1\/32\s\+\)\S\+/\1trust/' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main reload || true
    sleep 1
fi
psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" postgres | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "create database test" postgres >/dev/null
echo "PostgreSQL ready at 127.0.0.1:5432 (database test)" >&2
