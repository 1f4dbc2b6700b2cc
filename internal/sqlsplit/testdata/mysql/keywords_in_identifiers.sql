-- Words that contain or look like keywords are not keywords.
CREATE TABLE backend_jobs (id INT, end_date DATE, begin_date DATE, `end` INT, `case` INT);
CREATE PROCEDURE report()
BEGIN
    SET @begin = NOW(), @end = NOW();
    SELECT j.end, j.`begin`, j.end_date, backend, weekend FROM backend_jobs j;
    SELECT COUNT(*) INTO @case FROM backend_jobs;
END;
SELECT @begin, @end;
CREATE VIEW v AS SELECT CASE WHEN end_date IS NULL THEN 'open' ELSE 'closed' END AS state FROM backend_jobs;
