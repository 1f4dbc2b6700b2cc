-- not a migration: Flyway skips names it cannot parse
SELECT 1;
