package store

import (
	"context"
	"time"
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
	return wrap(s.ctx(ctx).CreateInBatches(rows, 500).Error, "log %d messages", len(rows))
}

// PruneMessages deletes the frames logged before olderThan and returns how
// many were deleted.
func (s *Store) PruneMessages(ctx context.Context, olderThan time.Time) (int64, error) {
	res := s.ctx(ctx).Where("created_at < ?", dbTime(olderThan)).Delete(&Message{})
	if res.Error != nil {
		return 0, wrap(res.Error, "prune messages")
	}
	return res.RowsAffected, nil
}
