# hash comment; with a semicolon
-- dash comment; with a semicolon
--	dash comment after a tab
/* block comment; /* not nested in MySQL */
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
SELECT /*+ MAX_EXECUTION_TIME(1000) */ id FROM t WHERE a = 1;
SELECT 1--1;
SELECT 2 --1
;
SELECT 3 # comment; here
, 4;
SELECT '/*!not a comment*/' /*!50000 , 'it''s; */' */;
SELECT 5; -- trailing
--
