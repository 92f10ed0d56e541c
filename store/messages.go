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

// pruneChunk is how many frames one DELETE of PruneMessages removes at
// most: a busy log holds millions, and one statement deleting them all
// would hold its locks (and SQLite's write lock) for long.
const pruneChunk = 10_000

// PruneMessages deletes the frames logged before olderThan and returns how
// many were deleted. Rows are appended in time order, so it deletes by id,
// every row before the first one logged at or after olderThan: the search
// reads only the rows it deletes, created_at needs no index, and the
// deleting goes in statements of at most pruneChunk rows.
func (s *Store) PruneMessages(ctx context.Context, olderThan time.Time) (int64, error) {
	var total int64
	for {
		n, more, err := s.pruneMessagesChunk(ctx, olderThan)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// pruneMessagesChunk deletes up to pruneChunk of the frames logged before
// olderThan; more reports that some may be left.
func (s *Store) pruneMessagesChunk(ctx context.Context, olderThan time.Time) (n int64, more bool, err error) {
	cutoff := dbTime(olderThan)
	var first, oldest []uint
	if err := s.ctx(ctx).Model(&Message{}).Where("created_at >= ?", cutoff).Order("id").Limit(1).Pluck("id", &first).Error; err != nil {
		return 0, false, wrap(err, "prune messages")
	}
	if err := s.ctx(ctx).Model(&Message{}).Order("id").Limit(1).Pluck("id", &oldest).Error; err != nil {
		return 0, false, wrap(err, "prune messages")
	}
	if len(oldest) == 0 {
		return 0, false, nil // empty
	}
	end := oldest[0] + pruneChunk
	where := func(tx *gorm.DB) *gorm.DB { return tx.Where("id < ? AND created_at < ?", end, cutoff) } // none is recent: all old ones go
	if len(first) == 1 {
		more = first[0] > end
		end = min(end, first[0])
		where = func(tx *gorm.DB) *gorm.DB { return tx.Where("id < ?", end) }
	} else {
		more = true
	}
	n, err = s.exec(ctx, func(tx *gorm.DB) *gorm.DB { return where(tx).Delete(&Message{}) })
	if err != nil {
		return 0, false, wrap(err, "prune messages")
	}
	return n, more && n > 0, nil
}
