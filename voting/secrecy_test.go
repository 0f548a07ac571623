package voting_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"maeul/server/servertest"
)

// The ballot tables hold no code, no voter, no address and no time, and no
// log line holds a code.
func TestSecrecy(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	t.Run("schema", func(t *testing.T) {
		rows, err := v.e.DB.Pool.Query(context.Background(), `SELECT table_name, column_name, data_type
			FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('ballots', 'ballot_choices')`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var tbl, col, typ string
			if err := rows.Scan(&tbl, &col, &typ); err != nil {
				t.Fatal(err)
			}
			seen++
			if strings.Contains(typ, "time") || strings.Contains(typ, "date") || typ == "inet" || typ == "cidr" {
				t.Errorf("%s.%s has type %s: a ballot must not say when or from where", tbl, col, typ)
			}
			for _, bad := range []string{"code", "ip", "addr", "user", "voter", "time", "created", "at", "session", "agent", "hash", "nonce"} {
				if col == bad || strings.HasPrefix(col, bad+"_") || strings.HasSuffix(col, "_"+bad) {
					t.Errorf("%s.%s looks like it could identify a voter", tbl, col)
				}
			}
		}
		if seen < 6 {
			t.Fatalf("found only %d columns", seen)
		}
		var n int
		v.e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.table_constraints
			WHERE table_name = 'ballots' AND constraint_type = 'FOREIGN KEY'`).Scan(&n)
		if n != 1 {
			t.Errorf("ballots has %d foreign keys; only the assembly is allowed", n)
		}
	})
	t.Run("logs", func(t *testing.T) {
		codes := v.codes(t, 4, "onsite")
		// By the API, with each form, and through the pages.
		v.ballot(t, codes[0].Code, "s1", v.ids(0))
		v.ballot(t, codes[1].Short, "s2", v.ids(1))
		v.ballot(t, codes[1].Short, "s2", v.ids(1))
		res, err := http.Get(codes[2].URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		form := "code=" + codes[2].Code + "&nonce=s3&choice=" + v.ids(2)[0]
		res, err = http.Post(v.e.URL+"/v/"+v.a.Slug+"/ballot", "application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		res, err = http.Post(v.e.URL+"/v/"+v.a.Slug+"/code", "application/x-www-form-urlencoded", strings.NewReader("code="+codes[3].Short))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		logs := v.e.Logs.String()
		if !strings.Contains(logs, "/api/v1/ballots") {
			t.Fatalf("the access log did not record the ballots (is logging on?): %s", logs)
		}
		for _, c := range codes {
			short := strings.ReplaceAll(c.Short, "-", "")
			for _, s := range []string{c.Code, c.Short, short} {
				if strings.Contains(logs, s) {
					t.Fatalf("a log line holds the code %s", s)
				}
			}
		}
		if v.ballots(t) != 3 {
			t.Fatalf("%d ballots", v.ballots(t))
		}
	})
}
