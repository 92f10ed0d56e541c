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
// many were deleted. Frames are appended in time order, so it deletes by
// id, every frame before the first one logged at or after olderThan: the
// search reads only the rows it deletes, and created_at needs no index.
func (s *Store) PruneMessages(ctx context.Context, olderThan time.Time) (int64, error) {
	cutoff := dbTime(olderThan)
	var first []uint
	err := s.ctx(ctx).Model(&Message{}).Where("created_at >= ?", cutoff).Order("id").Limit(1).Pluck("id", &first).Error
	if err != nil {
		return 0, wrap(err, "prune messages")
	}
	q := s.ctx(ctx).Where("created_at < ?", cutoff) // none is newer: all go
	if len(first) == 1 {
		q = s.ctx(ctx).Where("id < ?", first[0])
	}
	res := q.Delete(&Message{})
	if res.Error != nil {
		return 0, wrap(res.Error, "prune messages")
	}
	return res.RowsAffected, nil
}
