-- Creates one database per service and Keycloak's, owned by the connecting (super)user `unionfed`.
-- Used by the postgres:15 image (/docker-entrypoint-initdb.d, first start of an empty
-- volume only) and by deploy/local/infra.sh in native mode after every start. Both run it
-- with psql, so it may use \gexec; it is idempotent (CREATE DATABASE has no IF NOT EXISTS).
SELECT format('CREATE DATABASE %I', name)
FROM unnest(ARRAY['membership', 'welfare', 'events', 'finance', 'keycloak']) AS name
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = name)
\gexec
