package registration_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/assembly"
	"maeul/server"
	"maeul/server/servertest"
)

// eligibleAssembly is a published test assembly that checks eligibility:
// min age 14, residents and students, voting from a day after now (so
// booths can open before it), ending the day after.
func eligibleAssembly(t testing.TB, e *servertest.Env, starts time.Time) *assembly.Assembly {
	t.Helper()
	a, _ := e.Fixture(t, servertest.FixtureOptions{})
	_, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET min_age = 14, eligible = '{resident,student}',
		starts_at = $2, ends_at = $3 WHERE id = $1`, a.ID, starts, starts.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	a.StartsAt, a.EndsAt, a.MinAge, a.Eligible = starts, starts.Add(48*time.Hour), 14, []string{"resident", "student"}
	return a
}

func regPath(a *assembly.Assembly) string {
	return fmt.Sprintf("/api/v1/assemblies/%d/registrations", a.ID)
}

func person(name, birth, category, channel string) map[string]any {
	return map[string]any{"name": name, "birth_date": birth, "category": category, "channel": channel}
}

// message is the API error's message.
func message(r *servertest.Response) string {
	s := string(r.Body)
	if i := strings.Index(s, `"message":"`); i >= 0 {
		s = s[i+len(`"message":"`):]
		if j := strings.Index(s, `"`); j >= 0 {
			return s[:j]
		}
	}
	return s
}

// secondInstance starts another server on the same database, with its own
// pool and the same secret: a second `maeul serve` behind the proxy.
func secondInstance(t testing.TB, e *servertest.Env) *servertest.Env {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), e.DB.DSN)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{BaseURL: base, Secret: servertest.TestSecret}, pool)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(context.Background())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); pool.Close() })
	return &servertest.Env{URL: base, DB: e.DB, Server: srv}
}
