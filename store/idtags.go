package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LookupIDTag returns the id tag tag.
func (s *Store) LookupIDTag(ctx context.Context, tag string) (*IDTag, error) {
	var t IDTag
	if err := take(s.ctx(ctx).Where("tag = ?", tag), &t); err != nil {
		return nil, wrap(err, "id tag %q", tag)
	}
	return &t, nil
}

// UpsertIDTag creates the id tag t.Tag or replaces its status, expiry date
// and parent tag. Status defaults to Accepted.
func (s *Store) UpsertIDTag(ctx context.Context, t IDTag) error {
	now := dbTime(time.Now())
	row := IDTag{
		Tag:        t.Tag,
		Status:     t.Status,
		ExpiryDate: dbTimePtr(t.ExpiryDate),
		ParentTag:  t.ParentTag,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if row.Status == "" {
		row.Status = IDTagAccepted
	}
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "tag"}},
			DoUpdates: clause.AssignmentColumns([]string{"status", "expiry_date", "parent_tag", "updated_at"}),
		}).Create(&row)
	})
	return wrap(err, "upsert id tag %q", t.Tag)
}
