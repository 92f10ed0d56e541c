package store

import "time"

// observe reports one transaction of rows, started at start, to
// MeterWriterConfig.OnCommit.
func (w *MeterWriter) observe(rows int, start time.Time, err error) {
	if f := w.cfg.OnCommit; f != nil {
		f(rows, len(w.reqs), time.Since(start), err)
	}
}

// Running reports whether the writer's goroutine runs (Close has not
// stopped it).
func (w *MeterWriter) Running() bool {
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}
