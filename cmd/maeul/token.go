package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/account"
	"maeul/database"
)

const tokenUsage = "usage: maeul token create --email E [--days 90] | maeul token list --email E | maeul token revoke --id N"

// tokenCommand creates, lists and revokes API tokens. create prints the
// token alone on the first line, so scripts can take it with head -1.
func tokenCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	email := fs.String("email", "", "the host's email")
	days := fs.Int("days", account.DefaultTokenDays, "days until the token expires (0: never)")
	id := fs.Int64("id", 0, "the token's id (see token list)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var run func(*account.Service) error
	switch args[0] {
	case "create":
		run = func(s *account.Service) error {
			tok, err := s.CreateTokenDays(ctx, *email, *days)
			if err != nil {
				return err
			}
			// The token alone: scripts read it as the whole output.
			fmt.Println(tok)
			return nil
		}
	case "list":
		run = func(s *account.Service) error {
			list, err := s.ListTokens(ctx, *email)
			if err != nil {
				return err
			}
			return printTokens(os.Stdout, list, time.Now())
		}
	case "revoke":
		if *id <= 0 {
			return errors.New("usage: maeul token revoke --id N")
		}
		run = func(s *account.Service) error {
			if err := s.RevokeToken(ctx, nil, *id); err != nil {
				return err
			}
			fmt.Printf("revoked token %d\n", *id)
			return nil
		}
	default:
		return errors.New(tokenUsage)
	}
	return withDB(ctx, nil, func(pool *pgxpool.Pool, log *slog.Logger) error {
		if err := database.CheckSchema(ctx, pool, false); err != nil {
			return err
		}
		return run(account.NewService(pool))
	})
}

func printTokens(w io.Writer, list []account.Token, now time.Time) error {
	when := func(t *time.Time, none string) string {
		if t == nil {
			return none
		}
		return t.Format("2006-01-02 15:04")
	}
	fmt.Fprintf(w, "%-6s %-16s %-16s %-16s %s\n", "ID", "CREATED", "LAST USED", "EXPIRES", "STATE")
	for _, t := range list {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case !t.Live(now):
			state = "expired"
		}
		fmt.Fprintf(w, "%-6d %-16s %-16s %-16s %s\n", t.ID, t.CreatedAt.Format("2006-01-02 15:04"),
			when(t.LastUsedAt, "never"), when(t.ExpiresAt, "never"), state)
	}
	return nil
}
