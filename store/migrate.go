package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SchemaMigrationsTable records the migrations applied to a database: one row
// per version.
const SchemaMigrationsTable = "ocpp_schema_migrations"

// The dialects migrations exist for, as gorm's Dialector.Name() reports them.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// ErrSchemaTooNew is returned (wrapped) by Migrate when the database holds a
// migration this code does not know: a newer release of ocppkit migrated it.
// Running older code against it could corrupt data, so Migrate refuses.
var ErrSchemaTooNew = errors.New("store: the database schema is newer than this version of ocppkit")

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// Migration is one versioned step of the schema, in one dialect's SQL.
type Migration struct {
	Version int    // 1, 2, …: the order they are applied in
	Name    string // file name without version and extension, e.g. "baseline"
	SQL     string // the statements, separated by semicolons
}

// MigrationsFS returns the migration files of a dialect (DialectPostgres or
// DialectSQLite): NNNN_name.sql at the root of the returned file system, in
// the order their numbers give. Hosts that run their own migration tool
// (goose, golang-migrate, atlas…) copy these into it instead of calling
// Migrate; the statements are plain SQL of that dialect, each file meant to
// run in one transaction. Migrate additionally records each applied version
// in ocpp_schema_migrations; a host tool should insert the same rows
// (version, name, applied_at) so that Migrate and SchemaVersion keep working.
func MigrationsFS(dialect string) (fs.FS, error) {
	if dialect != DialectPostgres && dialect != DialectSQLite {
		return nil, fmt.Errorf("store: no migrations for database %q (want %q or %q)", dialect, DialectPostgres, DialectSQLite)
	}
	return fs.Sub(migrationFiles, "migrations/"+dialect)
}

// Migrations returns the migrations of a dialect in order.
func Migrations(dialect string) ([]Migration, error) {
	fsys, err := MigrationsFS(dialect)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration file %s/%s is not named NNNN_name.sql", dialect, e.Name())
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations of %s are not numbered 1, 2, 3…: found %d at position %d", dialect, m.Version, i+1)
		}
	}
	return out, nil
}

// LatestSchemaVersion is the version of the newest migration this code knows.
func LatestSchemaVersion() int {
	ms, err := Migrations(DialectSQLite)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Migrate brings the ocpp_ tables up to the newest schema this code knows by
// applying, in order, the migrations the database has not had yet (see
// MigrationsFS), recording each in ocpp_schema_migrations.
//
// Any number of processes may call Migrate on the same database at the same
// moment (several nodes starting together): on PostgreSQL they queue on an
// advisory lock (one per schema), on SQLite on its write lock, and all but
// the first find nothing left to do. Each migration runs in one transaction
// with its version row, so a failure leaves the schema at the last complete
// version. Migrate is idempotent and cheap when nothing is pending; call it at
// every start. It never drops data.
//
// A database created by ocppkit before versioned migrations (gorm
// AutoMigrate) is upgraded in place: the first migration only creates what
// is missing. A database migrated by newer code is refused with
// ErrSchemaTooNew.
func Migrate(ctx context.Context, db *gorm.DB) error {
	dialect := db.Dialector.Name()
	ms, err := Migrations(dialect)
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for {
		done, err := migrateNext(ctx, sqlDB, dialect, ms)
		if err != nil || done {
			return err
		}
	}
}

// SchemaVersion returns the newest migration version applied to db (0 for a
// database Migrate never ran on).
func SchemaVersion(ctx context.Context, db *gorm.DB) (int, error) {
	if !db.WithContext(ctx).Migrator().HasTable(SchemaMigrationsTable) {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.WithContext(ctx).Raw("SELECT MAX(version) FROM " + SchemaMigrationsTable).Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}

// migrateNext applies the first pending migration, in a transaction that
// holds the migration lock. done reports that none was pending.
func migrateNext(ctx context.Context, sqlDB *sql.DB, dialect string, ms []Migration) (done bool, err error) {
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	commit, rollback, err := beginMigration(ctx, conn, dialect)
	if err != nil {
		return false, fmt.Errorf("store: migrate: lock: %w", err)
	}
	defer func() {
		if err != nil {
			_ = rollback()
		}
	}()
	if _, err = conn.ExecContext(ctx, createSchemaMigrations[dialect]); err != nil {
		return false, fmt.Errorf("store: migrate: create %s: %w", SchemaMigrationsTable, err)
	}
	var current sql.NullInt64
	if err = conn.QueryRowContext(ctx, "SELECT MAX(version) FROM "+SchemaMigrationsTable).Scan(&current); err != nil {
		return false, fmt.Errorf("store: migrate: read version: %w", err)
	}
	v := int(current.Int64)
	latest := ms[len(ms)-1].Version
	switch {
	case v > latest:
		err = fmt.Errorf("%w: it is at version %d, this code knows up to %d; upgrade ocppkit", ErrSchemaTooNew, v, latest)
		return false, err
	case v == latest:
		return true, commit()
	}
	m := ms[v] // versions are 1, 2, 3…: ms[v] is version v+1
	if _, err = conn.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("store: migrate: %04d_%s: %w", m.Version, m.Name, err)
	}
	if _, err = conn.ExecContext(ctx, insertSchemaMigration[dialect], m.Version, m.Name, time.Now().UTC()); err != nil {
		return false, fmt.Errorf("store: migrate: record %04d_%s: %w", m.Version, m.Name, err)
	}
	if err = commit(); err != nil {
		return false, fmt.Errorf("store: migrate: commit %04d_%s: %w", m.Version, m.Name, err)
	}
	return false, nil
}

// migrationLockKey is the first key of the PostgreSQL advisory lock Migrate
// holds; the second is the hash of the schema being migrated.
const migrationLockKey = 0x6f637070 // "ocpp"

// beginMigration starts the transaction of one migration on conn, holding
// the lock that serialises migrations on the database.
func beginMigration(ctx context.Context, conn *sql.Conn, dialect string) (commit, rollback func() error, err error) {
	switch dialect {
	case DialectPostgres:
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", migrationLockKey); err != nil {
			_ = tx.Rollback()
			return nil, nil, err
		}
		return tx.Commit, tx.Rollback, nil
	case DialectSQLite:
		// BEGIN IMMEDIATE takes the write lock now (waiting in SQLite's busy
		// handler while another process holds it): a migration never starts
		// reading a schema another one is about to change.
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return nil, nil, err
		}
		exec := func(stmt string) func() error {
			return func() error {
				_, err := conn.ExecContext(context.WithoutCancel(ctx), stmt)
				return err
			}
		}
		return exec("COMMIT"), exec("ROLLBACK"), nil
	}
	return nil, nil, fmt.Errorf("unsupported database %q", dialect)
}

var createSchemaMigrations = map[string]string{
	DialectPostgres: `CREATE TABLE IF NOT EXISTS ` + SchemaMigrationsTable + ` (
		version bigint PRIMARY KEY,
		name character varying(255) NOT NULL,
		applied_at timestamp with time zone NOT NULL)`,
	DialectSQLite: `CREATE TABLE IF NOT EXISTS ` + SchemaMigrationsTable + ` (
		version integer PRIMARY KEY,
		name text NOT NULL,
		applied_at datetime NOT NULL)`,
}

var insertSchemaMigration = map[string]string{
	DialectPostgres: "INSERT INTO " + SchemaMigrationsTable + " (version, name, applied_at) VALUES ($1, $2, $3)",
	DialectSQLite:   "INSERT INTO " + SchemaMigrationsTable + " (version, name, applied_at) VALUES (?, ?, ?)",
}
