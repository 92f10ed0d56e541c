package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// ErrWriterClosed is returned by MeterWriter.Write after Close.
var ErrWriterClosed = errors.New("store: meter writer closed")

// Defaults of MeterWriterConfig.
const (
	DefaultMeterMaxBatch = 2000
	DefaultMeterMaxDelay = 2 * time.Millisecond
	// DefaultWriteTimeout bounds one database write of the library's
	// background writers (a meter value transaction, a batch of heartbeat
	// times): a database that hangs fails the write instead of wedging the
	// writer.
	DefaultWriteTimeout = 5 * time.Second
)

// meterInsertChunk is the number of rows per gorm multi-row INSERT: 500 rows × 16
// columns stays far below SQLite's (32766) and PostgreSQL's (65535) limits on
// bound parameters.
const meterInsertChunk = 500

// MeterWriterConfig configures a MeterWriter. The zero value is usable.
type MeterWriterConfig struct {
	// MaxBatch is the number of rows above which the writer stops adding
	// queued requests to a transaction. A single request is never split, so
	// a transaction may exceed it by one request. Default
	// DefaultMeterMaxBatch (2000).
	MaxBatch int
	// MaxDelay is how long the writer waits, once per transaction, for more
	// requests when the queue runs empty before MaxBatch is reached. It waits
	// only under load, that is when it found more than one request queued: a
	// lone request (an idle system) is written at once. Under load, requests
	// queue up while the previous transaction commits, so batches form by
	// themselves; the short wait makes them fuller (measured: about +15% on
	// SQLite). Default DefaultMeterMaxDelay (2ms); negative: never wait.
	MaxDelay time.Duration
	// QueueSize is the capacity of the request queue. Default 4096.
	QueueSize int
	// Logger receives batch failures. Default slog.Default().
	Logger *slog.Logger
	// OnCommit, when set, is called by the writer's goroutine after each
	// transaction: rows written in took (err nil) or not (err set), and
	// queued, the writes left waiting. It must return at once (metrics).
	OnCommit func(rows, queued int, took time.Duration, err error)
	// WriteTimeout bounds each transaction: when the database does not
	// commit within it (a hung connection, a lock that is never released),
	// the transaction is abandoned, the callers of its batch get an error
	// wrapping context.DeadlineExceeded, and the writer goes on with the
	// next batch. On PostgreSQL, where batches are pipelined (the next
	// sent before the previous one's result is read), a pipeline takes no
	// new batch once half of WriteTimeout has passed since it began, and
	// all of it ends within WriteTimeout: each batch gets at least half.
	// Default DefaultWriteTimeout (5s).
	WriteTimeout time.Duration
}

// MeterWriter writes meter values with group commit: rows of many concurrent
// Write calls go into one shared transaction (multi-row INSERTs), together
// with the energy update of every active session they touch. One goroutine,
// started by NewMeterWriter and stopped by Close, does all the writing, so a
// MeterWriter uses one database connection at a time. It writes through
// prepared statements on the *sql.DB under db (db.DB()), not through gorm:
// gorm callbacks and hooks do not run for these rows.
//
// If a shared transaction fails, the writer retries each Write of the batch
// in a transaction of its own, so one caller's bad rows (say, a charge point
// id that does not exist) fail only that caller, and every caller learns the
// true outcome of its own rows: committed entirely, or not at all.
//
// Writes are idempotent: a row whose reading is already stored (see
// MeterValue) is skipped (ON CONFLICT DO NOTHING). So a retry after a commit
// whose outcome was lost with its connection (PostgreSQL may have committed
// when COMMIT's answer never arrived), or a charge point resending a
// MeterValues whose reply it lost, never stores a reading twice.
type MeterWriter struct {
	db    *gorm.DB
	pg    bool
	sql   *sql.DB           // nil until the first commit
	stmts map[int]*sql.Stmt // prepared multi-row INSERTs by row count; writer goroutine only
	// prepared are the prepared event INSERTs and energy UPDATEs (SQLite)
	// by their text; evSQL and energySQL their texts by event and session
	// count. Writer goroutine only.
	prepared  map[string]*sql.Stmt
	evSQL     map[int]string
	energySQL map[int]string
	// noPipeline is set once a PostgreSQL connection turned out to use
	// another query mode than pgx's default (see pipeline). Writer
	// goroutine only.
	noPipeline bool
	// encBuf holds the encoded parameters of a pipelined batch, reused.
	encBuf []byte
	cfg    MeterWriterConfig
	log    *slog.Logger
	reqs   chan *meterRequest
	mu     sync.RWMutex // guards closed and sending on reqs
	closed bool
	done   chan struct{}
}

// Request states: a request is taken by the writer or abandoned by its
// caller (context ended), whichever happens first.
const (
	reqQueued int32 = iota
	reqAbandoned
	reqTaken
)

type meterRequest struct {
	rows  []MeterValue
	event *TransactionEvent // a 2.0.1 TransactionEvent recorded with the rows, or nil
	dup   bool              // the event was recorded before: nothing written (set before done)
	state atomic.Int32
	done  chan error // buffered, 1
}

// NewMeterWriter starts a MeterWriter on db. Call Close to flush and stop it.
func NewMeterWriter(db *gorm.DB, cfg MeterWriterConfig) *MeterWriter {
	cfg.MaxBatch = cmp.Or(cfg.MaxBatch, DefaultMeterMaxBatch)
	cfg.QueueSize = cmp.Or(cfg.QueueSize, 4096)
	cfg.MaxDelay = cmp.Or(cfg.MaxDelay, DefaultMeterMaxDelay)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, DefaultWriteTimeout)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &MeterWriter{
		db:   db,
		pg:   isPostgres(db),
		cfg:  cfg,
		log:  cfg.Logger,
		reqs: make(chan *meterRequest, cfg.QueueSize),
		done: make(chan struct{}),
	}
	go w.run()
	return w
}

// Write stores rows and returns once they are committed, or with the error
// of the transaction that failed to commit them (then none of them is
// stored). Rows are normalised as they are written (Measurand defaults to
// Energy.Active.Import.Register, Unit to Wh, a zero Timestamp to now, times to
// UTC); rows itself is not modified and its IDs are not set.
//
// For every row with a ChargingSessionID that is an energy register reading
// (Energy.Active.Import.Register, no phase, not SignedData), the session's
// EnergyConsumed becomes (reading in Wh − MeterStart)/1000 kWh, never
// negative, if the session is still running and the reading is not older than the
// one EnergyConsumed was last computed from.
//
// If ctx ends while the rows are still queued, Write returns ctx.Err() and
// they are not written. If it ends while their transaction runs, Write
// returns ctx.Err() and the rows may be committed nonetheless.
func (w *MeterWriter) Write(ctx context.Context, rows []MeterValue) error {
	if len(rows) == 0 {
		return nil
	}
	return w.enqueue(ctx, &meterRequest{rows: rows, done: make(chan error, 1)})
}

// WriteTransactionEvent stores the OCPP 2.0.1 TransactionEvent ev of a
// session that exists (ev.ChargingSessionID set) together with its meter
// values rows, as Write does, in the shared transaction of the rows of
// other callers: the path of the many Updated events of a session whose
// state they do not change (Store.RecordTransactionEvent is the path of
// the others).
//
// It is idempotent: an event whose session, seqNo and timestamp are
// already recorded (a retry of a message whose reply was lost) writes
// nothing and returns duplicate=true, rows included. ev.ReceivedAt
// defaults to now.
func (w *MeterWriter) WriteTransactionEvent(ctx context.Context, ev TransactionEvent, rows []MeterValue) (duplicate bool, err error) {
	req := &meterRequest{rows: rows, event: &ev, done: make(chan error, 1)}
	if err := w.enqueue(ctx, req); err != nil {
		return false, err
	}
	return req.dup, nil
}

// enqueue hands req to the writer and waits for its outcome.
func (w *MeterWriter) enqueue(ctx context.Context, req *meterRequest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrWriterClosed
	}
	select {
	case w.reqs <- req:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		req.state.CompareAndSwap(reqQueued, reqAbandoned)
		return ctx.Err()
	}
}

// Close stops accepting writes, commits what is queued and stops the
// writer's goroutine. It returns ctx.Err() if ctx ends first (the goroutine
// still finishes the queued work). Close is idempotent.
func (w *MeterWriter) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.reqs)
	}
	w.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *MeterWriter) run() {
	defer close(w.done)
	defer w.closeStmts()
	var timer *time.Timer
	batch := make([]*meterRequest, 0, 256)
	for {
		first, ok := <-w.reqs
		if !ok {
			return
		}
		var n int
		var open bool
		batch, n, open = w.collectQueued(append(batch[:0], first), len(first.rows))
		// Under load (more than one request was queued) wait once for
		// more, to fill the transaction.
		if open && n < w.cfg.MaxBatch && w.cfg.MaxDelay > 0 && len(batch) > 1 {
			if timer == nil {
				timer = time.NewTimer(w.cfg.MaxDelay)
			} else {
				timer.Reset(w.cfg.MaxDelay)
			}
			select {
			case r, ok := <-w.reqs:
				timer.Stop()
				if ok {
					batch, _, _ = w.collectQueued(append(batch, r), n+len(r.rows))
				}
			case <-timer.C:
			}
		}
		// A pipelined flush returns what it collected but could not
		// pipeline (a batch with TransactionEvents).
		for rest := w.flush(batch); len(rest) > 0; {
			rest = w.flush(rest)
		}
		clear(batch)
	}
}

// flush writes the requests of batch that their callers still wait for.
// On PostgreSQL a batch without TransactionEvents is pipelined (see
// pipeline): flush then goes on with what is queued and returns requests
// it took from the queue but did not write, for the next flush. A panic (a
// bug, or a driver's) fails the batch and is logged; the writer goes on.
func (w *MeterWriter) flush(batch []*meterRequest) (rest []*meterRequest) {
	defer func() {
		if p := recover(); p != nil {
			w.log.Error("store: meter writer panicked; batch failed", "panic", p, "stack", string(debug.Stack()))
			w.closeStmts()
			failTaken(batch, fmt.Errorf("store: meter writer panicked: %v", p))
		}
	}()
	live := takeQueued(batch)
	if len(live) == 0 {
		return nil
	}
	if w.pg && !w.noPipeline && !hasEvents(live) {
		return w.pipeline(live)
	}
	w.settle(live)
	return nil
}

// takeQueued marks the requests of batch whose callers still wait as taken
// and returns them.
func takeQueued(batch []*meterRequest) []*meterRequest {
	live := batch[:0:0]
	for _, r := range batch {
		if r.state.CompareAndSwap(reqQueued, reqTaken) {
			live = append(live, r)
		}
	}
	return live
}

// failTaken answers the taken requests of reqs that have no answer yet
// with err.
func failTaken(reqs []*meterRequest, err error) {
	for _, r := range reqs {
		if r.state.Load() == reqTaken {
			select {
			case r.done <- err:
			default: // already answered
			}
		}
	}
}

// settle writes the taken requests live in one transaction and answers
// them. If it fails, each request is retried alone, so one caller's bad
// rows fail that caller only.
func (w *MeterWriter) settle(live []*meterRequest) {
	err := w.commit(live)
	if err == nil || len(live) == 1 {
		for _, r := range live {
			r.done <- err
		}
		return
	}
	w.retryAlone(live, err)
}

// retryAlone writes each request of live in a transaction of its own after
// their shared transaction failed with err. Safe even if that transaction
// did commit (its COMMIT's answer lost with the connection): rows already
// stored are skipped.
func (w *MeterWriter) retryAlone(live []*meterRequest, err error) {
	w.log.Error("store: meter values batch failed, retrying each request alone",
		"requests", len(live), "error", err)
	for _, r := range live {
		r.done <- w.commit([]*meterRequest{r})
	}
}

// Rows per prepared INSERT statement (SQLite). A batch is written with as
// many 500-row statements as fit, then 100-, 10- and 1-row ones: four
// statements, prepared once and reused by every transaction, instead of a
// new statement (parsed and planned anew) per batch. Fewer, larger
// statements mean fewer calls into SQLite per batch (measured: +2-3% rows
// per second over 100-row ones).
var meterStmtSizes = []int{500, 100, 10, 1}

// meterColumns are the columns the writer inserts, in order.
var meterColumns = []string{
	"charge_point_id", "charging_session_id", "connector_id", "transaction_id", "measurand", "value",
	"raw_value", "unit", "phase", "context", "location", "format", "timestamp", "created_at",
	"evse_id", "signed_data",
}

// meterColumnList is meterColumns for SQL.
var meterColumnList = `charge_point_id, charging_session_id, connector_id, transaction_id, measurand, value,
	raw_value, unit, phase, context, location, format, "timestamp", created_at, evse_id, signed_data`

// insertMeterArrays inserts a batch on PostgreSQL in one statement: each
// column travels as one array parameter (binary, like COPY) and unnest
// turns them back into rows. Followed by ON CONFLICT DO NOTHING it skips
// readings already stored, which COPY cannot do (see copyRows).
var insertMeterArrays = "INSERT INTO " + MeterValuesTable + " (" + meterColumnList + ") SELECT * FROM unnest(" +
	"$1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::double precision[], $7::text[], " +
	"$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[], " +
	"$15::bigint[], $16::text[])"

// meterArrays returns the columns of rows as the parameters of
// insertMeterArrays.
func meterArrays(rows []MeterValue) []any {
	n := len(rows)
	cp, sess, conn, tx := make([]int64, n), make([]*int64, n), make([]int64, n), make([]*int64, n)
	measurand, value, raw, unit := make([]string, n), make([]float64, n), make([]string, n), make([]string, n)
	phase, ctx, loc, format := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ts, created := make([]time.Time, n), make([]time.Time, n)
	evse, signed := make([]int64, n), make([]*string, n)
	for i := range rows {
		mv := &rows[i]
		cp[i], conn[i], evse[i] = int64(mv.ChargePointID), int64(mv.ConnectorID), int64(mv.EVSEID)
		if mv.SignedData != "" {
			signed[i] = &mv.SignedData
		}
		if mv.ChargingSessionID != nil {
			v := int64(*mv.ChargingSessionID)
			sess[i] = &v
		}
		if mv.TransactionID != nil {
			v := int64(*mv.TransactionID)
			tx[i] = &v
		}
		measurand[i], value[i], raw[i], unit[i] = mv.Measurand, mv.Value, mv.RawValue, mv.Unit
		phase[i], ctx[i], loc[i], format[i] = mv.Phase, mv.Context, mv.Location, mv.Format
		ts[i], created[i] = mv.Timestamp, mv.CreatedAt
	}
	return []any{cp, sess, conn, tx, measurand, value, raw, unit, phase, ctx, loc, format, ts, created, evse, signed}
}

// meterArgs appends the values of mv's meterColumns to args.
func meterArgs(args []any, mv *MeterValue) []any {
	var sess, tx any
	if mv.ChargingSessionID != nil {
		sess = int64(*mv.ChargingSessionID)
	}
	if mv.TransactionID != nil {
		tx = int64(*mv.TransactionID)
	}
	var signed any
	if mv.SignedData != "" {
		signed = mv.SignedData
	}
	return append(args, int64(mv.ChargePointID), sess, int64(mv.ConnectorID), tx, mv.Measurand, mv.Value,
		mv.RawValue, mv.Unit, mv.Phase, mv.Context, mv.Location, mv.Format, mv.Timestamp, mv.CreatedAt,
		int64(mv.EVSEID), signed)
}

// prepare prepares the INSERT statements on the *sql.DB under w.db.
func (w *MeterWriter) prepare(ctx context.Context) error {
	if w.stmts != nil {
		return nil
	}
	if w.sql == nil {
		db, err := w.db.DB()
		if err != nil {
			return err
		}
		w.sql = db
	}
	stmts := make(map[int]*sql.Stmt, len(meterStmtSizes))
	for _, n := range meterStmtSizes {
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + MeterValuesTable + " (" + meterColumnList + ") VALUES ")
		p := 0
		for r := range n {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range meterColumns {
				if c > 0 {
					sb.WriteString(", ")
				}
				p++
				sb.WriteString(w.placeholder(p))
			}
			sb.WriteByte(')')
		}
		sb.WriteString(" ON CONFLICT DO NOTHING")
		st, err := w.sql.PrepareContext(ctx, sb.String())
		if err != nil {
			for _, st := range stmts {
				_ = st.Close()
			}
			return err
		}
		stmts[n] = st
	}
	prepared := make(map[string]*sql.Stmt, len(eventStmtSizes)+len(energyStmtSizes))
	texts := make([]string, 0, len(eventStmtSizes)+len(energyStmtSizes))
	for _, n := range eventStmtSizes {
		texts = append(texts, w.eventInsertSQL(n))
	}
	for _, n := range energyStmtSizes {
		texts = append(texts, w.energyUpdateSQL(n))
	}
	for _, q := range texts {
		st, err := w.sql.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range stmts {
				_ = st.Close()
			}
			for _, st := range prepared {
				_ = st.Close()
			}
			return err
		}
		prepared[q] = st
	}
	w.stmts, w.prepared = stmts, prepared
	return nil
}

func (w *MeterWriter) closeStmts() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
	w.stmts = nil
	for _, st := range w.prepared {
		_ = st.Close()
	}
	w.prepared = nil
}

// placeholder returns the p-th (1-based) bind parameter of the dialect.
func (w *MeterWriter) placeholder(p int) string {
	if w.pg {
		return "$" + strconv.Itoa(p)
	}
	return "?"
}

// commit writes the rows of reqs and the energy of their sessions in one
// transaction. It bypasses gorm (prepared statements on the underlying
// *sql.DB): building a 2000-row INSERT through gorm's reflection and
// re-parsing it for every batch cost more than the database's own work.
func (w *MeterWriter) commit(reqs []*meterRequest) error {
	now := dbTime(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.WriteTimeout)
	defer cancel()
	n, err := w.commitRows(ctx, reqs, now)
	w.observe(n, now, err)
	if err != nil {
		// Prepare afresh next time: the failure may have been the schema
		// changing under the statements, or their connection breaking.
		w.closeStmts()
	}
	return wrap(err, "write %d meter values", n)
}

// rowsOf returns the normalised rows of the requests whose event (if any)
// is not a duplicate.
func rowsOf(reqs []*meterRequest, now time.Time) []MeterValue {
	total := 0
	for _, r := range reqs {
		if !r.dup {
			total += len(r.rows)
		}
	}
	rows := make([]MeterValue, 0, total)
	for _, r := range reqs {
		if r.dup {
			continue
		}
		for _, mv := range r.rows {
			rows = append(rows, normalizeMeterValue(mv, now))
		}
	}
	return rows
}

func (w *MeterWriter) commitRows(ctx context.Context, reqs []*meterRequest, now time.Time) (n int, err error) {
	if w.pg {
		return w.copyRows(ctx, reqs, now)
	}
	if err := w.prepare(ctx); err != nil {
		return 0, err
	}
	// The store's other writers wait (see write.go). The transaction
	// begins with an INSERT, so even a deferred BEGIN (a host's default
	// DSN) takes the write lock before it reads anything: it cannot fail
	// to upgrade, and database/sql's transaction keeps the prepared
	// statements usable.
	unlock, err := lockWrites(ctx, w.sql)
	if err != nil {
		return 0, err
	}
	defer unlock()
	conn, err := w.sql.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := raiseBusyTimeout(ctx, conn); err != nil {
		return 0, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := w.claimEvents(ctx, tx, reqs, now); err != nil {
		return 0, err
	}
	rows := rowsOf(reqs, now)
	n = len(rows)
	args := make([]any, 0, meterStmtSizes[0]*len(meterColumns))
	rest := rows
	for _, n := range meterStmtSizes {
		if len(rest) < n {
			continue
		}
		st := tx.StmtContext(ctx, w.stmts[n])
		for len(rest) >= n {
			args = args[:0]
			for i := range n {
				args = meterArgs(args, &rest[i])
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return len(rows), err
			}
			rest = rest[n:]
		}
	}
	if err := w.updateSessionEnergy(ctx, w.sqlExec(tx), rows); err != nil {
		return len(rows), err
	}
	return len(rows), tx.Commit()
}

// copyRows is commitRows on PostgreSQL: the rows go in as column arrays in
// one INSERT … SELECT FROM unnest(…) through the pgx connection under
// database/sql. Like the COPY it replaced, the batch travels in binary
// (multi-row INSERTs spent most of a batch in round trips and planning);
// unlike COPY, it can skip readings already stored. A batch without
// TransactionEvents is one round trip (sendRows), a batch with events two
// (sendEvents).
func (w *MeterWriter) copyRows(ctx context.Context, reqs []*meterRequest, now time.Time) (n int, err error) {
	if w.sql == nil {
		db, err := w.db.DB()
		if err != nil {
			return 0, err
		}
		w.sql = db
	}
	conn, err := w.sql.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		batch := func(insert string) error {
			if !hasEvents(reqs) {
				return w.sendRows(ctx, pc, insert, rowsOf(reqs, now), &n)
			}
			return w.sendEvents(ctx, pc, insert, reqs, now, &n)
		}
		// A plain INSERT first: ON CONFLICT DO NOTHING makes PostgreSQL
		// insert each row speculatively (measured: 9% fewer rows per second
		// for a fleet's batches). A reading stored before (a resent
		// MeterValues, a retried commit) makes it fail on the reading key;
		// the batch is then written again, skipping what is stored.
		err = batch(insertMeterArrays)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == pgUniqueViolation && pe.ConstraintName == readingKeyIndex {
			err = batch(insertMeterArrays + onConflictDoNothing)
		}
		return err
	})
	return n, err
}

// sendRows writes rows and their sessions' energy on PostgreSQL in one
// round trip: the INSERT and the energy UPDATE go out as one pgx batch,
// followed by the statements then (sendEvents' COMMIT). Without an open
// transaction the server runs the batch as one implicit transaction (all
// or nothing, without a BEGIN and a COMMIT of its own). Each round trip
// costs the network's latency, and under load also the wait until a busy
// Go scheduler polls the network again (measured in the load test: BEGIN
// alone took 9.6 ms of a 61 ms batch). With 0.5 ms added each way between
// writer and database, a lone write took 10.5 ms as BEGIN, INSERT, UPDATE
// and COMMIT, and 3.1 ms as one batch. *n is set to the number of rows.
func (w *MeterWriter) sendRows(ctx context.Context, conn *pgx.Conn, insert string, rows []MeterValue, n *int, then ...string) error {
	*n = len(rows)
	var b pgx.Batch
	b.Queue(insert, meterArrays(rows)...)
	queue := func(_ context.Context, query string, args ...any) error {
		b.Queue(query, args...)
		return nil
	}
	if err := w.updateSessionEnergy(ctx, queue, rows); err != nil {
		return err
	}
	for _, q := range then {
		b.Queue(q)
	}
	return conn.SendBatch(ctx, &b).Close()
}

// sendEvents is sendRows for a batch with TransactionEvents, in one
// transaction and two round trips: the first begins it and inserts every
// event from arrays, RETURNING the keys of those that were new; the second
// sends the rows of the requests whose event was new, their sessions'
// energy, and COMMIT. A failed statement leaves the transaction open and
// aborted: it is rolled back.
func (w *MeterWriter) sendEvents(ctx context.Context, conn *pgx.Conn, insert string, reqs []*meterRequest, now time.Time, n *int) (err error) {
	defer func() {
		if err != nil && !conn.IsClosed() {
			_, _ = conn.Exec(ctx, "ROLLBACK")
		}
	}()
	evs := eventsToClaim(reqs)
	var b pgx.Batch
	b.Queue("BEGIN")
	b.Queue(eventInsertArraysSQL, eventArrays(evs, now)...)
	br := conn.SendBatch(ctx, &b)
	var keys []eventKey
	if _, err = br.Exec(); err == nil {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			keys, err = scanKeys(rows)
			rows.Close()
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	markClaimed(evs, keys)
	return w.sendRows(ctx, conn, insert, rowsOf(reqs, now), n, "COMMIT")
}

// hasEvents reports whether a request of reqs records a TransactionEvent.
func hasEvents(reqs []*meterRequest) bool {
	for _, r := range reqs {
		if r.event != nil {
			return true
		}
	}
	return false
}

const (
	pgUniqueViolation   = "23505"
	readingKeyIndex     = "idx_ocpp_meter_values_reading"
	onConflictDoNothing = " ON CONFLICT DO NOTHING"
)

// execFunc runs one statement; it lets updateSessionEnergy run in a
// database/sql transaction or a pgx one.
type execFunc func(ctx context.Context, query string, args ...any) error

// sqlExec runs statements in tx, through the statements prepare made once
// where query is one of them.
func (w *MeterWriter) sqlExec(tx *sql.Tx) execFunc {
	return func(ctx context.Context, query string, args ...any) error {
		var err error
		if st, ok := w.prepared[query]; ok {
			_, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, query, args...)
		}
		return err
	}
}

// normalizeMeterValue fills defaults and normalises times for storage.
func normalizeMeterValue(mv MeterValue, now time.Time) MeterValue {
	mv.ID = 0
	mv.ChargePoint, mv.ChargingSession = nil, nil
	if mv.Measurand == "" {
		mv.Measurand = MeasurandEnergy
	}
	if mv.EVSEID == 0 && mv.ConnectorID > 0 {
		mv.EVSEID = mv.ConnectorID // 1.6's numbering
	}
	if mv.Unit == "" {
		mv.Unit = "Wh"
	}
	if mv.Timestamp.IsZero() {
		mv.Timestamp = now
	}
	mv.Timestamp = dbTime(mv.Timestamp)
	if mv.CreatedAt.IsZero() {
		mv.CreatedAt = now
	}
	mv.CreatedAt = dbTime(mv.CreatedAt)
	return mv
}

// energyReading returns the reading of mv in Wh if it is a total energy
// register reading of a session.
func energyReading(mv *MeterValue) (wh float64, ok bool) {
	if mv.ChargingSessionID == nil || mv.Measurand != MeasurandEnergy || mv.Phase != "" || mv.Format == "SignedData" {
		return 0, false
	}
	switch strings.ToLower(mv.Unit) {
	case "wh":
		return mv.Value, true
	case "kwh":
		return mv.Value * 1000, true
	}
	return 0, false
}

type energyUpdate struct {
	session uint
	wh      float64
	at      time.Time
}

// updateSessionEnergy sets EnergyConsumed of the active sessions rows belong
// to from their newest energy register reading, with one UPDATE … FROM per
// chunk of energyStmtSizes sessions.
func (w *MeterWriter) updateSessionEnergy(ctx context.Context, exec execFunc, rows []MeterValue) error {
	newest := make(map[uint]energyUpdate)
	for i := range rows {
		wh, ok := energyReading(&rows[i])
		if !ok {
			continue
		}
		id := *rows[i].ChargingSessionID
		if cur, seen := newest[id]; !seen || !rows[i].Timestamp.Before(cur.at) {
			newest[id] = energyUpdate{session: id, wh: wh, at: rows[i].Timestamp}
		}
	}
	if len(newest) == 0 {
		return nil
	}
	ups := make([]energyUpdate, 0, len(newest))
	for _, u := range newest {
		ups = append(ups, u)
	}
	// A stable order of row locks (PostgreSQL) avoids deadlocks with other
	// transactions updating several sessions.
	slices.SortFunc(ups, func(a, b energyUpdate) int { return cmp.Compare(a.session, b.session) })
	if w.pg {
		// One statement whatever the count: the sessions as arrays.
		ids, whs, ats := make([]int64, len(ups)), make([]float64, len(ups)), make([]time.Time, len(ups))
		for i, u := range ups {
			ids[i], whs[i], ats[i] = int64(u.session), u.wh, u.at
		}
		return exec(ctx, energyUpdateArraysSQL, ids, whs, ats, SessionCompleted)
	}
	args := make([]any, 0, 3*min(len(ups), energyStmtSizes[0])+1)
	rest := ups
	for _, n := range energyStmtSizes {
		for len(rest) >= n {
			args = args[:0]
			for _, u := range rest[:n] {
				args = append(args, int64(u.session), u.wh, u.at)
			}
			args = append(args, SessionCompleted)
			if err := exec(ctx, w.energyUpdateSQL(n), args...); err != nil {
				return err
			}
			rest = rest[n:]
		}
	}
	return nil
}

// energySetSQL is what the energy UPDATEs set from v(id, wh, ts), and for
// which sessions.
const energySetSQL = `UPDATE ocpp_charging_sessions SET
			energy_consumed = CASE WHEN v.wh > ocpp_charging_sessions.meter_start
				THEN (v.wh - ocpp_charging_sessions.meter_start) / 1000.0 ELSE 0 END,
			energy_updated_at = v.ts
			FROM v
			WHERE ocpp_charging_sessions.id = v.id
			AND ocpp_charging_sessions.status <> `

// energyUpdateArraysSQL is the energy UPDATE on PostgreSQL: sessions,
// readings and their times as three arrays, then the Completed status.
const energyUpdateArraysSQL = `WITH v(id, wh, ts) AS (SELECT * FROM unnest($1::bigint[], $2::double precision[], $3::timestamptz[])) ` +
	energySetSQL + `$4
			AND (ocpp_charging_sessions.energy_updated_at IS NULL OR ocpp_charging_sessions.energy_updated_at <= v.ts)`

// energyStmtSizes are the session counts of the energy UPDATEs on SQLite,
// in decreasing order: as for the INSERTs, a few texts only, prepared once
// (w.prepared). A new text for every batch's count was compiled anew each
// time, which cost the writer more than running it.
var energyStmtSizes = []int{100, 10, 1}

// energyUpdateSQL returns the energy UPDATE of n sessions on SQLite: 3n
// parameters (session id, Wh, reading time), then the Completed status.
func (w *MeterWriter) energyUpdateSQL(n int) string {
	if q, ok := w.energySQL[n]; ok {
		return q
	}
	var sb strings.Builder
	sb.WriteString("WITH v(id, wh, ts) AS (VALUES ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(CAST(? AS bigint), CAST(? AS double precision), ?)")
	}
	sb.WriteString(") " + energySetSQL + `?
			AND (ocpp_charging_sessions.energy_updated_at IS NULL OR ocpp_charging_sessions.energy_updated_at <= v.ts)`)
	if w.energySQL == nil {
		w.energySQL = make(map[int]string)
	}
	q := sb.String()
	w.energySQL[n] = q
	return q
}
