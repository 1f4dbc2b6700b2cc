-- MariaDB-only objects of the inspector's fixture.
CREATE SEQUENCE invoice_no START WITH 1000 INCREMENT BY 10 MAXVALUE 999999 CYCLE;
