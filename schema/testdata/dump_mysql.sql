-- Schema dumped by tide (mysql). Objects are sorted by name.

CREATE TABLE "orders" (
  "id" integer NOT NULL,
  "user_id" bigint,
  PRIMARY KEY ("id")
);

CREATE TABLE "users" (
  "id" bigint NOT NULL AUTO_INCREMENT,
  "email" text NOT NULL,
  "status" mood DEFAULT 'ok'::mood,
  PRIMARY KEY ("id"),
  UNIQUE ("email"),
  CONSTRAINT "email_has_at" CHECK ((position('@' in email) > 0))
);

CREATE INDEX "users_lower_email" ON "users" ((lower(email))) WHERE (status IS NOT NULL);

ALTER TABLE "orders" ADD FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE;

CREATE VIEW "active" AS
 SELECT id FROM users WHERE status = 'ok'::mood;
