package dialecttest

import (
	"testing"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/dialect"
)

var cases = []testCase{
	{"UpDownUp", testUpDownUp},
	{"Idempotent", testIdempotent},
	{"Targets", testTargets},
	{"FailureIsAtomicOrRecorded", testFailure},
	{"ResumeAfterFix", testResumeAfterFix},
	{"ResumeRefusesChangedPrefix", testResumeRefusesChangedPrefix},
	{"DownResumes", testDownResume},
	{"ResumeOfRewrittenMigration", testResumeAsDMLOnly},
	{"PartialRevert", testPartialRevert},
	{"DMLFailureRollsBack", testDMLFailureRollsBack},
	{"SingleTransaction", testSingleTransaction},
	{"SettleAfterCrash", testSettleAfterCrash},
	{"Drift", testDrift},
	{"OutOfOrder", testOutOfOrder},
	{"RacingMigrators", func(t *testing.T, db Database) { testRace(t, db, tide.LockAuto) }},
	{"RacingMigratorsTableLock", func(t *testing.T, db Database) { testRace(t, db, tide.LockTable) }},
	{"StaleLeaseTakeover", testStaleLease},
	{"LockWaitTimeout", testLockWaitTimeout},
	{"CancelRollsBackAndUnlocks", testCancel},
	{"GoMigrations", testGoMigrations},
	{"Baseline", testBaseline},
	{"PlanChangesNothing", testPlan},
	{"Redo", testRedo},
	{"Irreversible", testIrreversible},
	{"NoTransaction", testNoTransaction},
	{"History", testHistory},
	{"QuotedTableName", testQuotedTable},
	{"DialectBodies", testDialectBodies},
	{"Repeatable", testRepeatable},
	{"Adopt", testAdopt},
	{"RepairAccept", testRepair},
	{"RepairResolve", testResolve},
	{"LockTimeoutBoundsDDL", testLockTimeout},
	{"LockTimeoutRetried", testLockRetry},
	{"LockTimeoutWaits", testLockTimeoutWaits},
	{"ForeignFormats", testForeignFormats},
	{"CancelStopsServerStatement", testCancelServerSide},
	{"SessionLockHolder", testSessionLockHolder},
	{"Columns", testColumns},
	{"ObjectFinder", testObjectFinder},
	{"Truth", testTruth},
}

// implicitCommits reports whether the dialect's DDL commits implicitly.
func implicitCommits(db Database) bool {
	_, ok := db.Dialect.(dialect.ImplicitCommitter)
	return ok
}
