package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// LogMessages appends frames to the raw frame log (CreatedAt defaults to now).
func (s *Store) LogMessages(ctx context.Context, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	now := dbTime(time.Now())
	rows := make([]Message, len(msgs))
	for i, m := range msgs {
		m.ID = 0
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		m.CreatedAt = dbTime(m.CreatedAt)
		rows[i] = m
	}
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB { return tx.CreateInBatches(rows, 500) })
	return wrap(err, "log %d messages", len(rows))
}

// PruneMessages deletes the frames logged before olderThan and returns how
// many were deleted.
func (s *Store) PruneMessages(ctx context.Context, olderThan time.Time) (int64, error) {
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Where("created_at < ?", dbTime(olderThan)).Delete(&Message{})
	})
	if err != nil {
		return 0, wrap(err, "prune messages")
	}
	return n, nil
}
