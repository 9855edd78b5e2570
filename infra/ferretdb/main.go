// Command ferretdb runs FerretDB v1 embedded, on its SQLite or PostgreSQL backend, for ClosedLoop's
// local stack.
//
// A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics
// for lack of build/version/version.txt; importing the embeddable package from a module of our own
// avoids that (the version package returns early when the main module is not FerretDB).
//
// Usage:
//
//	ferretdb --listen-addr 127.0.0.1:27017 --sqlite-url file:/abs/dir/ [--log-level warn]
//	ferretdb --listen-addr 127.0.0.1:27017 --handler postgresql \
//	  --postgresql-url postgres://postgres@127.0.0.1:5433/ferretdb [--log-level warn]
//
// The PostgreSQL database must exist already (FerretDB creates one schema per MongoDB database in it).
//
// It prints `ferretdb ready on <addr>` on stdout once the TCP listener is bound and runs until
// SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

type options struct {
	listenAddr    string
	handler       string
	sqliteURL     string
	postgresqlURL string
	logLevel      slog.Level
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(2)
	}

	if err := run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("ferretdb", flag.ContinueOnError)
	listenAddr := fs.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (port 0 = any free port)")
	handler := fs.String("handler", "sqlite", "backend: sqlite or postgresql")
	sqliteURL := fs.String("sqlite-url", "", "SQLite URL of an existing directory, e.g. file:/abs/dir/ (sqlite handler)")
	postgresqlURL := fs.String("postgresql-url", "",
		"PostgreSQL URL of an existing database, e.g. postgres://postgres@127.0.0.1:5433/ferretdb (postgresql handler)")
	logLevel := fs.String("log-level", "warn", "log level: debug, info, warn or error")

	if err := fs.Parse(args); err != nil {
		return nil, err
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", *logLevel)
	}

	opts := &options{listenAddr: *listenAddr, handler: *handler, logLevel: level}

	switch *handler {
	case "sqlite":
		if err := checkSQLiteURL(*sqliteURL); err != nil {
			return nil, err
		}

		opts.sqliteURL = *sqliteURL
	case "postgresql":
		if err := checkPostgreSQLURL(*postgresqlURL); err != nil {
			return nil, err
		}

		opts.postgresqlURL = *postgresqlURL
	default:
		return nil, fmt.Errorf("invalid --handler %q: use sqlite or postgresql", *handler)
	}

	return opts, nil
}

// checkPostgreSQLURL fails early, with a clear message, when the PostgreSQL URL is missing or malformed.
func checkPostgreSQLURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("--postgresql-url is required with --handler postgresql, " +
			"e.g. --postgresql-url postgres://postgres@127.0.0.1:5433/ferretdb")
	}

	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("invalid --postgresql-url %q: expected postgres://[user@]host:port/database", redactURL(raw))
	}

	if strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("invalid --postgresql-url %q: the database name is missing", redactURL(raw))
	}

	return nil
}

// redactURL hides a password in a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}

	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}

	return u.String()
}

// checkSQLiteURL fails early, with a clear message, when the SQLite directory is missing.
func checkSQLiteURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("--sqlite-url is required, e.g. --sqlite-url file:/abs/dir/")
	}

	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" {
		return fmt.Errorf("invalid --sqlite-url %q: expected file:<directory>/", raw)
	}

	if u.Query().Get("mode") == "memory" {
		return nil
	}

	dir := u.Opaque
	if dir == "" {
		dir = u.Path
	}

	if !strings.HasSuffix(dir, "/") {
		return fmt.Errorf("invalid --sqlite-url %q: the directory must end with a slash", raw)
	}

	info, err := os.Stat(filepath.Clean(dir))
	if err != nil || !info.IsDir() {
		return fmt.Errorf("--sqlite-url %q: directory %q does not exist; create it first", raw, dir)
	}

	return nil
}

func run(opts *options) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: opts.logLevel}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: opts.listenAddr},
		Logger:        logger,
		Handler:       opts.handler,
		SQLiteURL:     opts.sqliteURL,
		PostgreSQLURL: opts.postgresqlURL,
	})
	if err != nil {
		backend := opts.sqliteURL
		if opts.handler == "postgresql" {
			backend = redactURL(opts.postgresqlURL)
		}

		return fmt.Errorf("cannot start on %s with %s: %w", opts.listenAddr, backend, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// ferretdb.New has bound the TCP listener already, so the address is final (also for port 0).
	addr := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	fmt.Printf("ferretdb ready on %s\n", addr)

	if err := f.Run(ctx); err != nil {
		return fmt.Errorf("stopped with an error: %w", err)
	}

	logger.Info("ferretdb stopped")

	return nil
}
