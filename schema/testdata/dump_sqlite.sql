-- Schema dumped by tide (sqlite). Objects are sorted by name.

CREATE TABLE "orders" (
  "id" integer NOT NULL,
  "user_id" bigint,
  PRIMARY KEY ("id"),
  FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "users" (
  "id" bigint NOT NULL PRIMARY KEY AUTOINCREMENT,
  "email" text NOT NULL,
  "status" mood DEFAULT 'ok'::mood,
  UNIQUE ("email"),
  CONSTRAINT "email_has_at" CHECK ((position('@' in email) > 0))
);

CREATE INDEX "users_lower_email" ON "users" ((lower(email))) WHERE (status IS NOT NULL);

CREATE VIEW "active" AS
 SELECT id FROM users WHERE status = 'ok'::mood;
