package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Partial unique indexes gorm's AutoMigrate cannot express portably. Both
// SQLite (≥ 3.8) and PostgreSQL support "CREATE UNIQUE INDEX IF NOT EXISTS …
// WHERE …", and both accept the literal false/true (SQLite ≥ 3.23).
var partialIndexes = []string{
	// transactionId is unique across the system among sessions the central
	// system issued …
	`CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_transaction_id
		ON ocpp_charging_sessions (transaction_id) WHERE unmatched = false`,
	// … while unknown ids reported by a charge point are recorded once per
	// charge point.
	`CREATE UNIQUE INDEX IF NOT EXISTS idx_ocpp_charging_sessions_unmatched
		ON ocpp_charging_sessions (charge_point_id, transaction_id) WHERE unmatched = true`,
}

// Migrate creates or updates the ocpp_ tables and their indexes. It is
// idempotent and safe to run at every start; it never drops a column or data.
// It works on SQLite and PostgreSQL.
func Migrate(ctx context.Context, db *gorm.DB) error {
	db = db.WithContext(ctx)
	if err := db.AutoMigrate(Models()...); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, stmt := range partialIndexes {
		if err := db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	return nil
}
