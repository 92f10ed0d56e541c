package store_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStoreImportsNoDriver: the core packages link no database driver, so
// a PostgreSQL-only host needs no cgo and an SQLite-only host no
// PostgreSQL driver. Opening helpers live in store/sqlitedb and
// store/pgdb. (The store does use pgx itself, for COPY, but not its
// database/sql driver.)
func TestStoreImportsNoDriver(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	for _, pkg := range []string{"github.com/ocppkit/ocppkit/store", "github.com/ocppkit/ocppkit"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, driver := range []string{"github.com/mattn/go-sqlite3", "gorm.io/driver/", "github.com/jackc/pgx/v5/stdlib", "modernc.org/sqlite", "github.com/glebarez/"} {
				if strings.HasPrefix(dep, driver) {
					t.Errorf("%s imports the driver %s", pkg, dep)
				}
			}
		}
	}
}
