package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store runs the queries of the default OCPP handlers. It is safe for
// concurrent use; it holds no state besides the *gorm.DB.
type Store struct {
	db    *gorm.DB
	group batcher[*groupWrite]            // connect, boot and disconnect writes (see grouped)
	loads batcher[*keyLoad[*ChargePoint]] // ChargePointByIdentifier (see loadChargePoint)
	// PendingCommands (see pendingGroup): every connection asks once.
	pendings batcher[*keyLoad[[]Command]]
}

// New returns a Store on db. It neither migrates nor starts anything.
func New(db *gorm.DB) *Store { return &Store{db: db} }

// DB returns the underlying database handle.
func (s *Store) DB() *gorm.DB { return s.db }

func (s *Store) ctx(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// dbTime normalises t for storage and comparison: UTC, microsecond precision
// (PostgreSQL keeps microseconds; SQLite compares the stored text, which must
// therefore always be written in the same zone).
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}

func isPostgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// lockRow adds a row lock for the rest of the transaction on PostgreSQL
// (FOR NO KEY UPDATE: it does not conflict with foreign-key checks of inserts
// referencing the row). SQLite transactions are serialised by Open's
// immediate transactions, and gorm's SQLite dialect drops the clause.
func lockRow(tx *gorm.DB) *gorm.DB {
	return tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
}

// take reads the first row q selects into dest, like gorm's Take, but a
// miss is not an error to gorm: take returns gorm.ErrRecordNotFound itself
// (which wrap turns into ErrNotFound). Many lookups miss in normal
// operation (an unknown id tag, the first StartTransaction of a session,
// a StopTransaction for an unknown transaction), and gorm's Take would
// make a host's gorm logger print "record not found" with the SQL for
// each.
func take(q *gorm.DB, dest any, conds ...any) error {
	res := q.Limit(1).Find(dest, conds...)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return gorm.ErrRecordNotFound
	}
	return nil
}

// wrap prefixes err with "store: " and the operation's description, mapping
// gorm.ErrRecordNotFound to ErrNotFound. It returns nil for a nil err.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf(format, args...)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("store: %s: %w", msg, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", msg, err)
}

// ChargePointByIdentifier returns the charge point with the given OCPP
// identity. Lookups made at the same moment (a reconnect storm: one per
// handshake) share one query.
func (s *Store) ChargePointByIdentifier(ctx context.Context, identifier string) (*ChargePoint, error) {
	cp, err := s.loadChargePoint(ctx, identifier)
	if err != nil {
		return nil, wrap(err, "charge point %q", identifier)
	}
	return cp, nil
}

// ChargePointByID returns the charge point with database id id.
func (s *Store) ChargePointByID(ctx context.Context, id uint) (*ChargePoint, error) {
	var cp ChargePoint
	if err := take(s.ctx(ctx), &cp, id); err != nil {
		return nil, wrap(err, "charge point %d", id)
	}
	return &cp, nil
}

// ListChargePoints returns every charge point ordered by identifier.
func (s *Store) ListChargePoints(ctx context.Context) ([]ChargePoint, error) {
	var cps []ChargePoint
	if err := s.ctx(ctx).Order("identifier").Find(&cps).Error; err != nil {
		return nil, wrap(err, "list charge points")
	}
	return cps, nil
}

// CountConnected returns the number of connected charge points.
func (s *Store) CountConnected(ctx context.Context) (int64, error) {
	var n int64
	if err := s.ctx(ctx).Model(&ChargePoint{}).Scopes(Connected).Count(&n).Error; err != nil {
		return 0, wrap(err, "count connected")
	}
	return n, nil
}

// insertChargePoint inserts cp unless its identifier exists (no error either
// way: concurrent callers race safely), then reads the row back. created
// reports whether this call inserted it.
func insertChargePoint(tx *gorm.DB, cp *ChargePoint) (created bool, err error) {
	if cp.Metadata == nil {
		cp.Metadata = JSONMap{}
	}
	res := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "identifier"}},
		DoNothing: true,
	}).Omit(clause.Associations).Create(cp)
	if res.Error != nil {
		return false, res.Error
	}
	created = res.RowsAffected == 1
	if !created || cp.ID == 0 {
		identifier := cp.Identifier
		*cp = ChargePoint{}
		if err := take(tx.Where("identifier = ?", identifier), cp); err != nil {
			return false, err
		}
	}
	return created, nil
}

// EnsureChargePoint returns the charge point with the given identity,
// creating it if it does not exist (created reports which). Concurrent calls
// for the same identity, even from several nodes, create one row.
func (s *Store) EnsureChargePoint(ctx context.Context, identifier string) (*ChargePoint, bool, error) {
	if cp, err := s.ChargePointByIdentifier(ctx, identifier); err == nil {
		return cp, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	cp := &ChargePoint{Identifier: identifier}
	var created bool
	err := s.write(ctx, func(tx *gorm.DB) (err error) {
		created, err = insertChargePoint(tx, cp)
		return err
	})
	if err != nil {
		return nil, false, wrap(err, "ensure charge point %q", identifier)
	}
	return cp, created, nil
}

// RegisterChargePoint creates the charge point with the given identity, or
// updates the password digest of an existing one, and returns it.
// passwordDigest is stored as given (see ocpp.HashPassword); "" means the
// charge point has no password.
func (s *Store) RegisterChargePoint(ctx context.Context, identifier, passwordDigest string) (*ChargePoint, error) {
	var cp *ChargePoint
	err := s.write(ctx, func(tx *gorm.DB) error {
		cp = &ChargePoint{Identifier: identifier, PasswordDigest: passwordDigest}
		created, err := insertChargePoint(tx, cp)
		if err != nil || created || cp.PasswordDigest == passwordDigest {
			return err
		}
		cp.PasswordDigest = passwordDigest
		return tx.Model(cp).Update("password_digest", passwordDigest).Error
	})
	if err != nil {
		return nil, wrap(err, "register charge point %q", identifier)
	}
	return cp, nil
}

// SetPasswordDigest replaces the password digest of a charge point ("" removes
// the password).
func (s *Store) SetPasswordDigest(ctx context.Context, identifier, digest string) error {
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&ChargePoint{}).Where("identifier = ?", identifier).
			Updates(map[string]any{"password_digest": digest, "updated_at": dbTime(time.Now())})
	})
	if err != nil {
		return wrap(err, "set password of %q", identifier)
	}
	if n == 0 {
		return wrap(gorm.ErrRecordNotFound, "set password of %q", identifier)
	}
	return nil
}

// MarkConnected records that the charge point's socket is now held by node,
// connected at at. Keep at: MarkDisconnected compares it. It leaves the
// charge point's OCPPVersion as it is; MarkConnectedVersion records it too.
func (s *Store) MarkConnected(ctx context.Context, id uint, node string, at time.Time) error {
	return s.MarkConnectedVersion(ctx, id, node, at, "")
}

// MarkConnectedVersion is MarkConnected for a connection speaking version
// (e.g. "ocpp2.0.1", the connection's ocpp.Conn.Version), which becomes the
// charge point's OCPPVersion in the same statement. An empty version leaves
// OCPPVersion unchanged.
func (s *Store) MarkConnectedVersion(ctx context.Context, id uint, node string, at time.Time, version string) error {
	// Plain SQL of a fixed text: gorm's Updates with a map reflects over
	// the model and builds the statement anew, which for a reconnect storm
	// of 10,000 stations was a sixth of the server's CPU; a fixed text is
	// also prepared once by the PostgreSQL driver.
	q, args := markConnectedSQL, []any{true, dbTime(at), node, dbTime(time.Now()), id}
	if version != "" {
		q, args = markConnectedVersionSQL, []any{true, dbTime(at), node, dbTime(time.Now()), version, id}
	}
	n, err := s.execGrouped(ctx, id, func(tx *gorm.DB) *gorm.DB { return tx.Exec(q, args...) })
	if err != nil {
		return wrap(err, "mark %d connected", id)
	}
	if n == 0 {
		return wrap(gorm.ErrRecordNotFound, "mark %d connected", id)
	}
	return nil
}

const (
	markConnectedSQL        = "UPDATE " + ChargePointsTable + " SET connected = ?, connected_at = ?, node = ?, updated_at = ? WHERE id = ?"
	markConnectedVersionSQL = "UPDATE " + ChargePointsTable + " SET connected = ?, connected_at = ?, node = ?, updated_at = ?, ocpp_version = ? WHERE id = ?"
	recordBootSQL           = "UPDATE " + ChargePointsTable + ` SET vendor = ?, model = ?, serial_number = ?,
		charge_box_serial_number = ?, firmware_version = ?, iccid = ?, imsi = ?, meter_type = ?,
		meter_serial_number = ?, booted_at = ?, boot_reason = ?, updated_at = ? WHERE id = ?`
)

// MarkDisconnected records that the connection of the charge point that was
// opened at connectedAt (the value given to MarkConnected) ended at at. It
// does nothing when the charge point has reconnected since (its connected_at
// differs), so a late disconnect of a replaced socket cannot mark a live
// charge point disconnected.
func (s *Store) MarkDisconnected(ctx context.Context, id uint, connectedAt, at time.Time) error {
	_, err := s.execGrouped(ctx, id, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&ChargePoint{}).
			Where("id = ? AND connected_at = ?", id, dbTime(connectedAt)).
			Updates(map[string]any{
				"connected":       false,
				"disconnected_at": dbTime(at),
				"updated_at":      dbTime(time.Now()),
			})
	})
	return wrap(err, "mark %d disconnected", id)
}

// MarkNodeDisconnected marks every charge point held by node as disconnected
// at at (a node calls it when it starts, for the sockets it lost when it
// stopped) and returns how many rows changed.
func (s *Store) MarkNodeDisconnected(ctx context.Context, node string, at time.Time) (int64, error) {
	n, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&ChargePoint{}).
			Where("node = ? AND connected = ?", node, true).
			Updates(map[string]any{
				"connected":       false,
				"disconnected_at": dbTime(at),
				"updated_at":      dbTime(time.Now()),
			})
	})
	if err != nil {
		return 0, wrap(err, "mark node %q disconnected", node)
	}
	return n, nil
}

// BootInfo is the content of a BootNotification of either version (2.0.1
// has no charge box serial number or meter fields, 1.6 no reason).
type BootInfo struct {
	Vendor, Model, SerialNumber, ChargeBoxSerialNumber, FirmwareVersion string
	ICCID, IMSI, MeterType, MeterSerialNumber                           string
	At                                                                  time.Time // when the charge point booted (receive time)

	// Reason is a 2.0.1 BootNotification's reason (PowerUp, RemoteReset, …),
	// kept in ChargePoint.BootReason.
	Reason string
}

// RecordBoot stores the identification a charge point sent in its
// BootNotification.
func (s *Store) RecordBoot(ctx context.Context, id uint, b BootInfo) error {
	args := []any{b.Vendor, b.Model, b.SerialNumber, b.ChargeBoxSerialNumber, b.FirmwareVersion, b.ICCID,
		b.IMSI, b.MeterType, b.MeterSerialNumber, dbTime(b.At), b.Reason, dbTime(time.Now()), id}
	n, err := s.execGrouped(ctx, id, func(tx *gorm.DB) *gorm.DB { return tx.Exec(recordBootSQL, args...) }) // see MarkConnectedVersion
	if err != nil {
		return wrap(err, "record boot of %d", id)
	}
	if n == 0 {
		return wrap(gorm.ErrRecordNotFound, "record boot of %d", id)
	}
	return nil
}

// heartbeatChunk bounds the number of charge points per UPDATE statement.
const heartbeatChunk = 1000 // rows per statement: 2 parameters each, far below SQLite's 32,766

// TouchHeartbeats sets last_heartbeat_at of many charge points at once: one
// UPDATE joined with a VALUES list of (id, time) per 1,000 charge points,
// all in one transaction (a join: the database looks each row up once,
// where a CASE with one branch per charge point costs O(n) per row). It is
// meant for a batcher that coalesces heartbeats (e.g. once a second).
// Unknown ids are ignored.
func (s *Store) TouchHeartbeats(ctx context.Context, beats map[uint]time.Time) error {
	if len(beats) == 0 {
		return nil
	}
	ids := make([]uint, 0, len(beats))
	for id := range beats {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	pg := isPostgres(s.db)
	err := s.write(ctx, func(tx *gorm.DB) error {
		for start := 0; start < len(ids); start += heartbeatChunk {
			chunk := ids[start:min(start+heartbeatChunk, len(ids))]
			sql := make([]byte, 0, 160+8*len(chunk))
			args := make([]any, 0, 2*len(chunk))
			if pg {
				sql = append(sql, "UPDATE ocpp_charge_points AS c SET last_heartbeat_at = v.at FROM (VALUES (CAST(? AS bigint), CAST(? AS timestamptz))"...)
			} else {
				sql = append(sql, "UPDATE ocpp_charge_points SET last_heartbeat_at = v.column2 FROM (VALUES (?, ?)"...)
			}
			args = append(args, chunk[0], dbTime(beats[chunk[0]]))
			for _, id := range chunk[1:] {
				sql = append(sql, ", (?, ?)"...)
				args = append(args, id, dbTime(beats[id]))
			}
			if pg {
				sql = append(sql, ") AS v(id, at) WHERE c.id = v.id"...)
			} else {
				sql = append(sql, ") AS v WHERE ocpp_charge_points.id = v.column1"...)
			}
			if err := tx.Exec(string(sql), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return wrap(err, "touch %d heartbeats", len(beats))
}
