# help.q - the client's own commands

HELP;
The following commands are available:

CLEAR, HELP, QUIT / EXIT        the SQL client's own commands
SHOW JOBS                       the jobs started in this session
SHOW [USER] FUNCTIONS           the built-in (or user-defined) functions
SHOW CREATE TABLE / VIEW <name> the DDL of a table or view
STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN]
                                stop a job, optionally with a savepoint
SET / RESET / CREATE / DROP / SHOW / DESCRIBE / EXPLAIN / INSERT INTO …
                                Flink SQL statements; end each with ';'
BEGIN STATEMENT SET; … END;     the INSERTs in between run as one job
EXECUTE STATEMENT SET BEGIN … END;
                                the same in one statement
!ok

SHOW TABLES;
+------------+
| table name |
+------------+
Empty set
!ok
