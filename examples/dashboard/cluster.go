package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast/pgbroadcast"
	"github.com/ocppkit/ocppkit/broadcast/redisbroadcast"
	"github.com/ocppkit/ocppkit/cluster/pgcluster"
	"github.com/ocppkit/ocppkit/cluster/rediscluster"
)

// Several dashboards behind a load balancer (-backplane): they share the
// PostgreSQL database of -dsn, and a backplane routes commands to the node
// holding the charge point's socket and carries live events to every
// node's browsers:
//
//	dashboard -dsn postgres://… -node a -addr :8081 -backplane redis://127.0.0.1:6379/0
//	dashboard -dsn postgres://… -node b -addr :8082 -backplane redis://127.0.0.1:6379/0
//
// or -backplane postgres (LISTEN/NOTIFY on the -dsn database, nothing else
// to run). See docs/deployment.md.

// setupCluster sets ocfg.Cluster and ocfg.Broadcaster from -backplane and
// -node, and returns what closes them after the CSMS has shut down.
func (s *server) setupCluster(ctx context.Context, ocfg *ocppkit.Config) (func(), error) {
	cfg := s.cfg
	ocfg.NodeID = cfg.Node
	if cfg.Backplane == "" {
		return func() {}, nil
	}
	if cfg.DSN == "" {
		return nil, errors.New("dashboard: -backplane needs -dsn: the nodes must share one PostgreSQL database (an SQLite file cannot be shared between nodes)")
	}
	switch {
	case strings.HasPrefix(cfg.Backplane, "redis://"), strings.HasPrefix(cfg.Backplane, "rediss://"):
		opt, err := redis.ParseURL(cfg.Backplane)
		if err != nil {
			return nil, fmt.Errorf("dashboard: -backplane: %w", err)
		}
		client := redis.NewClient(opt)
		if err := client.Ping(ctx).Err(); err != nil {
			client.Close()
			return nil, fmt.Errorf("dashboard: -backplane: %w", err)
		}
		bp := rediscluster.New(client, rediscluster.Config{Logger: cfg.Logger})
		bc := redisbroadcast.New(client, redisbroadcast.Config{Logger: cfg.Logger})
		ocfg.Cluster, ocfg.Broadcaster = bp, bc
		s.backplaneName = "Redis " + opt.Addr
		return func() { bp.Close(); bc.Close(); client.Close() }, nil
	case cfg.Backplane == "postgres":
		pool, err := pgxpool.New(ctx, cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("dashboard: -backplane postgres: %w", err)
		}
		if err := pgcluster.Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
		bp := pgcluster.New(pool, pgcluster.Config{Logger: cfg.Logger})
		bc := pgbroadcast.New(pool, pgbroadcast.Config{Logger: cfg.Logger})
		ocfg.Cluster, ocfg.Broadcaster = bp, bc
		s.backplaneName = "PostgreSQL LISTEN/NOTIFY"
		return func() { bp.Close(); bc.Close(); pool.Close() }, nil
	}
	return nil, fmt.Errorf("dashboard: -backplane %q: want redis://host:port/db or postgres", cfg.Backplane)
}

// simPrefix gives each node's simulated charge points their own
// identities: two nodes simulating the same identities would take them over
// from each other forever.
func simPrefix(cfg config, node string) string {
	if cfg.Backplane == "" {
		return ""
	}
	return "SIM-" + strings.ToUpper(node) + "-"
}
