package store

import "strings"

// IsPostgresDSN reports whether dsn is a PostgreSQL URL ("postgres://…" or
// "postgresql://…").
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
