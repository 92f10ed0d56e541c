package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// On PostgreSQL the writer pipelines its batches: while the server works
// on one batch, the next one is already on its way, so the server never
// waits for the writer between two batches. Without it, each batch's
// reply had to reach the writer (under load: a busy Go scheduler polling
// the network), its callers be answered and the next batch be built and
// sent before the server had work again. Measured with the load test's
// fleet without sockets (BenchmarkMeterWriter/postgres in
// examples/loadtest): 43.2k–44.8k rows/s without, 48.5k–48.9k with (three
// runs each, alternating).
//
// Each batch is still its own implicit transaction (the INSERT and the
// energy UPDATE, then a Sync), answered only once its Sync's reply
// arrives. Batches commit in the order sent; a failed one rolls back alone
// and is written again after the pipeline ends, as a batch that failed
// without pipelining is (plain, then skipping stored readings, then each
// request alone). A charge point has at most one MeterValues in flight
// (it waits for the reply), so two batches in the pipeline hold different
// charge points' readings; a resent message that lands in both stores its
// readings once (the reading key), and the energy UPDATE never goes back
// to an older reading.
//
// A pipeline lasts while requests keep coming, but takes no new batch once
// half of WriteTimeout has passed since it began, and all of it is bounded
// by WriteTimeout: a pipelined batch gets at least half of WriteTimeout.

// Names of the pipeline's prepared statements on a connection.
const (
	pipeInsertStmt = "ocppkit_meter_values_insert"
	pipeEnergyStmt = "ocppkit_session_energy_update"
)

// errNoPipeline reports a connection on which the writer does not
// pipeline: one that does not use pgx's default query mode (for example
// simple protocol, for PgBouncer), where named prepared statements may not
// survive.
var errNoPipeline = errors.New("store: connection does not use prepared statements")

// pipeFlight is a batch sent through the pipeline whose result is not read
// yet.
type pipeFlight struct {
	reqs []*meterRequest
	rows int
	at   time.Time
}

// pipeFailure is a pipelined batch that did not commit. retryWhole: its
// transaction failed on the server (try the batch again, then each
// request); otherwise its connection failed (each request alone, as after
// any failed commit).
type pipeFailure struct {
	reqs       []*meterRequest
	err        error
	retryWhole bool
}

// pipeline writes live and, as long as more requests are queued, the
// batches after it, each sent before the result of the one before is read.
// It returns requests it took from the queue but did not write (a batch
// with TransactionEvents). Batches that failed are written again, without
// pipelining, once the connection is released.
func (w *MeterWriter) pipeline(live []*meterRequest) (rest []*meterRequest) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.WriteTimeout)
	defer cancel()
	var (
		sent   []pipeFlight // oldest first; at most two
		failed []pipeFailure
	)
	defer func() {
		if p := recover(); p != nil {
			// Every request this pipeline took (or collected) and did not
			// answer gets the panic; flush logs it and answers live.
			err := fmt.Errorf("store: meter writer panicked: %v", p)
			for _, f := range sent {
				failTaken(f.reqs, err)
			}
			for _, f := range failed {
				failTaken(f.reqs, err)
			}
			failTaken(takeQueued(rest), err)
			panic(p)
		}
	}()
	if w.sql == nil {
		db, err := w.db.DB()
		if err != nil {
			w.settle(live)
			return nil
		}
		w.sql = db
	}
	conn, err := w.sql.Conn(ctx)
	if err != nil {
		w.settle(live)
		return nil
	}
	err = conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		if pc.Config().DefaultQueryExecMode != pgx.QueryExecModeCacheStatement {
			return errNoPipeline
		}
		ins, err := pc.Prepare(ctx, pipeInsertStmt, insertMeterArrays)
		if err != nil {
			return err
		}
		energy, err := pc.Prepare(ctx, pipeEnergyStmt, energyUpdateArraysSQL)
		if err != nil {
			return err
		}
		p := pc.PgConn().StartPipeline(ctx)
		send := func(reqs []*meterRequest) error {
			now := dbTime(time.Now())
			rows := rowsOf(reqs, now)
			sent = append(sent, pipeFlight{reqs: reqs, rows: len(rows), at: now})
			if err := w.sendPrepared(p, pc.TypeMap(), ins, meterArrays(rows)); err != nil {
				return err
			}
			err := w.updateSessionEnergy(ctx, func(_ context.Context, query string, args ...any) error {
				if query != energy.SQL {
					return fmt.Errorf("store: pipeline: unexpected energy statement %q", query)
				}
				return w.sendPrepared(p, pc.TypeMap(), energy, args)
			}, rows)
			if err != nil {
				return err
			}
			p.SendPipelineSync()
			return p.Flush()
		}
		// finish reads the result of the oldest batch in flight and
		// answers its callers. An error it returns is the connection's.
		finish := func() error {
			f := sent[0]
			txErr, err := readPipelined(p)
			if err != nil {
				return err
			}
			sent = sent[1:]
			w.observe(f.rows, f.at, txErr)
			if txErr != nil {
				failed = append(failed, pipeFailure{reqs: f.reqs, err: txErr, retryWhole: true})
				return nil
			}
			for _, r := range f.reqs {
				r.done <- nil
			}
			return nil
		}
		err = send(live)
		for err == nil && len(sent) > 0 {
			// The next batch goes out before the oldest one's result is
			// read, so the server has it as soon as it is done.
			if rest == nil && len(sent) == 1 && time.Since(start) < w.cfg.WriteTimeout/2 {
				if next, _, _ := w.collectQueued(nil, 0); hasEvents(next) {
					rest = next // for flush, without pipelining
				} else if next = takeQueued(next); len(next) > 0 {
					if err = send(next); err != nil {
						break
					}
				}
			}
			err = finish()
		}
		if cerr := p.Close(); err == nil {
			err = cerr
		}
		return err
	})
	conn.Close()
	if errors.Is(err, errNoPipeline) {
		w.noPipeline = true
		w.settle(live)
		return rest
	}
	if err != nil {
		// The connection failed: what was in flight may or may not have
		// committed; writing it again is safe (stored readings are
		// skipped).
		for _, f := range sent {
			w.observe(f.rows, f.at, err)
			failed = append(failed, pipeFailure{reqs: f.reqs, err: err})
		}
		sent = nil
	}
	for _, f := range failed {
		w.settleFailed(f)
	}
	return rest
}

// settleFailed writes the requests of a pipelined batch that did not
// commit again, without pipelining.
func (w *MeterWriter) settleFailed(f pipeFailure) {
	if f.retryWhole || len(f.reqs) == 1 {
		w.settle(f.reqs)
		return
	}
	w.retryAlone(f.reqs, wrap(f.err, "write meter values"))
}

// collectQueued appends to batch, which holds n rows, the requests queued
// now until it holds MaxBatch rows, without waiting for more. open is
// false once the queue is closed (Close).
func (w *MeterWriter) collectQueued(batch []*meterRequest, n int) (_ []*meterRequest, rows int, open bool) {
	for n < w.cfg.MaxBatch {
		select {
		case r, ok := <-w.reqs:
			if !ok {
				return batch, n, false
			}
			batch = append(batch, r)
			n += len(r.rows)
		default:
			return batch, n, true
		}
	}
	return batch, n, true
}

// sendPrepared queues the prepared statement sd with args, encoded in
// binary, on p.
func (w *MeterWriter) sendPrepared(p *pgconn.Pipeline, m *pgtype.Map, sd *pgconn.StatementDescription, args []any) error {
	if len(args) != len(sd.ParamOIDs) {
		return fmt.Errorf("store: pipeline: %d arguments for %d parameters of %s", len(args), len(sd.ParamOIDs), sd.Name)
	}
	vals := make([][]byte, len(args))
	formats := make([]int16, len(args))
	buf := w.encBuf[:0]
	for i, a := range args {
		at := len(buf)
		var err error
		if buf, err = m.Encode(sd.ParamOIDs[i], pgtype.BinaryFormatCode, a, buf); err != nil {
			return fmt.Errorf("store: pipeline: encode parameter %d of %s: %w", i+1, sd.Name, err)
		}
		// Encode returns a nil buffer for NULL.
		if buf != nil {
			vals[i] = buf[at:len(buf):len(buf)]
		}
		formats[i] = pgtype.BinaryFormatCode
	}
	p.SendQueryPrepared(sd.Name, vals, formats, nil)
	// SendQueryPrepared copied the values into the connection's buffer.
	w.encBuf = buf[:0]
	return nil
}

// readPipelined reads the results of one batch (its statements up to its
// Sync). txErr is the server's error that rolled the batch back; err a
// failure of the connection.
func readPipelined(p *pgconn.Pipeline) (txErr, err error) {
	for {
		res, err := p.GetResults()
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			// The server skips the batch's other statements up to its Sync.
			txErr = cmp.Or(txErr, err)
			continue
		}
		if err != nil {
			return txErr, err
		}
		switch r := res.(type) {
		case *pgconn.ResultReader:
			if _, err := r.Close(); err != nil {
				if !errors.As(err, &pgErr) {
					return txErr, err
				}
				txErr = cmp.Or(txErr, err)
			}
		case *pgconn.PipelineSync:
			return txErr, nil
		case nil:
			return txErr, errors.New("store: pipeline: results ended before the batch's Sync")
		default:
			return txErr, fmt.Errorf("store: pipeline: unexpected result %T", res)
		}
	}
}

// pgxConn returns the *pgx.Conn of a database/sql driver connection of
// pgx's stdlib (gorm.io/driver/postgres). Asserting the method, not the
// type, keeps the store free of the driver package.
func pgxConn(dc any) (*pgx.Conn, error) {
	sc, ok := dc.(interface{ Conn() *pgx.Conn })
	if !ok {
		return nil, fmt.Errorf("PostgreSQL driver connection is %T, want pgx's (stdlib.Conn)", dc)
	}
	return sc.Conn(), nil
}
