package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// CreateCommand inserts cmd (Status defaults to pending, CreatedAt to now) and
// sets its ID.
func (s *Store) CreateCommand(ctx context.Context, cmd *Command) error {
	if cmd.Status == "" {
		cmd.Status = CommandPending
	}
	normalizeCommandTimes(cmd)
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB { return tx.Create(cmd) })
	return wrap(err, "create %s command for %q", cmd.Action, cmd.Identifier)
}

// PendingCommands returns the pending, unexpired commands of a charge point,
// oldest first.
//
// Every connection asks, as soon as it is ready, so in a reconnect storm
// thousands ask at once: lookups waiting at the same moment share one
// query (as ChargePointByIdentifier's do). A caller whose ctx ends first
// returns ctx's error.
func (s *Store) PendingCommands(ctx context.Context, identifier string, now time.Time) ([]Command, error) {
	cmds, err := sharedLoad(ctx, &s.pendings, identifier, dbTime(now), s.pendingGroup)
	return cmds, wrap(err, "pending commands of %q", identifier)
}

// pendingGroup runs the lookups of batch in one query: the commands pending
// for any of their charge points and unexpired at the earliest of their
// times, each caller then keeping its own charge point's, unexpired at its
// own time.
func (s *Store) pendingGroup(batch []*keyLoad[[]Command]) {
	ids, earliest := liveKeys(batch)
	var found []Command
	var err error
	if len(ids) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), DefaultWriteTimeout)
		err = s.ctx(ctx).
			Where("identifier IN ? AND status = ? AND (expires_at IS NULL OR expires_at > ?)", ids, CommandPending, earliest).
			Order("created_at, id").Find(&found).Error
		cancel()
	}
	byID := make(map[string][]Command)
	for _, c := range found {
		byID[c.Identifier] = append(byID[c.Identifier], c)
	}
	answerLoads(batch, err, func(l *keyLoad[[]Command]) ([]Command, error) {
		var cmds []Command
		for _, c := range byID[l.key] {
			if c.ExpiresAt == nil || c.ExpiresAt.After(l.at) {
				cmds = append(cmds, c)
			}
		}
		return cmds, nil
	})
}

// CommandByID returns the command with database id id.
func (s *Store) CommandByID(ctx context.Context, id uint) (*Command, error) {
	var cmd Command
	if err := take(s.ctx(ctx), &cmd, id); err != nil {
		return nil, wrap(err, "command %d", id)
	}
	return &cmd, nil
}

// UpdateCommand saves every field of cmd, an existing command.
func (s *Store) UpdateCommand(ctx context.Context, cmd *Command) error {
	normalizeCommandTimes(cmd)
	cmd.UpdatedAt = dbTime(time.Now())
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(cmd).Select("*").Omit("id", "created_at").Updates(cmd)
	})
	if err != nil {
		return wrap(err, "update command %d", cmd.ID)
	}
	if n == 0 {
		return wrap(gorm.ErrRecordNotFound, "update command %d", cmd.ID)
	}
	return nil
}

// ExpireCommands marks pending and sent commands whose ExpiresAt is at or
// before now as expired (CompletedAt = now) and returns how many changed.
// Sent commands are included: their reply will not come any more (the node
// that sent them may have stopped).
func (s *Store) ExpireCommands(ctx context.Context, now time.Time) (int64, error) {
	t := dbTime(now)
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&Command{}).
			Where("status IN ? AND expires_at IS NOT NULL AND expires_at <= ?", []string{CommandPending, CommandSent}, t).
			Updates(map[string]any{"status": CommandExpired, "completed_at": t, "updated_at": dbTime(time.Now())})
	})
	if err != nil {
		return 0, wrap(err, "expire commands")
	}
	return n, nil
}

func normalizeCommandTimes(cmd *Command) {
	if !cmd.CreatedAt.IsZero() {
		cmd.CreatedAt = dbTime(cmd.CreatedAt)
	}
	cmd.SentAt = dbTimePtr(cmd.SentAt)
	cmd.CompletedAt = dbTimePtr(cmd.CompletedAt)
	cmd.ExpiresAt = dbTimePtr(cmd.ExpiresAt)
}
