package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// ClaimCommand marks the pending command id as sent at at, and reports
// whether this call did: of several nodes delivering the same queued
// command at once (a charge point reconnecting while another node enqueues
// for it), exactly one claims it. It is a conditional UPDATE … WHERE
// status = 'pending'.
func (s *Store) ClaimCommand(ctx context.Context, id uint, at time.Time) (bool, error) {
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&Command{}).
			Where("id = ? AND status = ?", id, CommandPending).
			Updates(map[string]any{"status": CommandSent, "sent_at": dbTime(at), "updated_at": dbTime(time.Now())})
	})
	if err != nil {
		return false, wrap(err, "claim command %d", id)
	}
	return n == 1, nil
}
