// Package pgbroadcast is a broadcast.Broadcaster over PostgreSQL
// LISTEN/NOTIFY, for CSMS nodes that share a database and want no other
// backplane.
//
// It takes the host's own pgx pool:
//
//	pool, _ := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	b := pgbroadcast.New(pool, pgbroadcast.Config{Channel: "myapp_ocpp"})
//	defer b.Close()
//
// Every topic travels on one PostgreSQL channel (Config.Channel) as the
// NOTIFY payload {"topic":…,"id":…,"time":…,"data":…}; each node filters
// locally. Publish is one pg_notify round trip through the pool. The first
// Subscribe takes one connection out of the pool for good (it is hijacked,
// so it no longer counts against the pool's size), LISTENs on it and
// reconnects with backoff when it is lost; Subscribe returns once the
// LISTEN is in place.
//
// PostgreSQL limits a NOTIFY payload to less than 8000 bytes: Publish
// returns ErrPayloadTooLarge beyond MaxPayloadSize. Publish ids, not rows:
// {"session_id":42} and let the subscriber load what it shows. Every
// notification reaches every listening node and all of them pass through
// PostgreSQL's single notification queue, so for high-volume topics (meter
// values of thousands of charge points) prefer redisbroadcast.
//
// Delivery is at most once: what is published while the listening
// connection is down is lost, and a local subscriber whose buffer is full
// drops messages (see Dropped). Message ids are "<instance>-<n>": unique,
// increasing per publishing Broadcaster, not comparable across nodes.
package pgbroadcast
