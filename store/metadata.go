package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// SetMetadata merges values into a charge point's metadata in one
// transaction (read, merge, write under the row lock), leaving other keys
// as they are.
func (s *Store) SetMetadata(ctx context.Context, id uint, values map[string]any) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		var cp ChargePoint
		if err := take(lockRow(tx).Select("id", "metadata"), &cp, id); err != nil {
			return err
		}
		if cp.Metadata == nil {
			cp.Metadata = JSONMap{}
		}
		for k, v := range values {
			cp.Metadata[k] = v
		}
		return tx.Model(&ChargePoint{}).Where("id = ?", id).Updates(map[string]any{
			"metadata":   cp.Metadata,
			"updated_at": dbTime(time.Now()),
		}).Error
	})
	return wrap(err, "set metadata of charge point %d", id)
}
