package voting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"maeul/account"
	"maeul/database/dbtest"
	"maeul/server/servertest"
	"maeul/voting"
)

// 50 ballots race 10 closes: every acknowledged ballot is counted, nothing
// unacknowledged is, and every close reports the same final count.
func TestBallotsRacingClose(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 50, "onsite")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	refused := 0
	closes := make([]int64, 10)
	start := make(chan struct{})
	var ackN atomic.Int64
	for i, c := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(time.Duration(i) * time.Millisecond)
			r := v.ballot(t, c.Code, "n", v.ids(i%6, (i+1)%6))
			mu.Lock()
			defer mu.Unlock()
			switch r.Status {
			case 201:
				var out struct{ Receipt string }
				r.JSON(t, &out)
				acked = append(acked, out.Receipt)
				ackN.Add(1)
			case 409:
				refused++
			default:
				t.Errorf("ballot: %d %s", r.Status, r.Body)
			}
		}()
	}
	for i := range closes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Close while ballots are still arriving.
			for d := time.Now().Add(2 * time.Second); ackN.Load() < 10 && time.Now().Before(d); {
				time.Sleep(200 * time.Microsecond)
			}
			time.Sleep(time.Duration(i) * time.Millisecond)
			r := v.host.API(t, "POST", v.path("/close"), nil)
			var out struct {
				State   string
				Ballots int64
			}
			r.JSON(t, &out)
			if r.Status != 200 || out.State != "closed" {
				t.Errorf("close: %d %s", r.Status, r.Body)
			}
			closes[i] = out.Ballots
		}()
	}
	close(start)
	wg.Wait()
	n := v.ballots(t)
	t.Logf("%d acknowledged, %d refused, final count %d", len(acked), refused, n)
	if int64(len(acked)) != n || len(acked)+refused != 50 {
		t.Fatalf("%d acknowledged, %d refused, %d in the database", len(acked), refused, n)
	}
	for _, c := range closes {
		if c != n {
			t.Fatalf("closes reported %v, the database holds %d", closes, n)
		}
	}
	for _, rc := range acked {
		if v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(rc)) != 1 {
			t.Fatalf("acknowledged receipt %s is not in the database", rc)
		}
	}
	if u := v.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, v.a.ID); u != n {
		t.Fatalf("%d codes used, %d ballots", u, n)
	}
	t.Run("after the close", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/close"), nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"ballots":%d`, n)) {
			t.Fatalf("close again: %d %s", r.Status, r.Body)
		}
		for _, c := range codes {
			if v.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND NOT used`, v.a.ID) == 0 {
				break
			}
			r := v.ballot(t, c.Code, "late", v.ids(0))
			if r.Status != 409 && r.Status != 201 {
				t.Fatalf("late ballot: %d %s", r.Status, r.Body)
			}
			if r.Status == 201 {
				// Only a retry of an acknowledged ballot may answer 201.
				var out struct{ Receipt string }
				r.JSON(t, &out)
				if v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(out.Receipt)) != 1 {
					t.Fatal("a ballot was accepted after the close")
				}
			}
		}
		if v.ballots(t) != n {
			t.Fatal("the count changed after the close")
		}
	})
}

// kill -9 of the real server during a load of ballots: after a restart,
// every acknowledged receipt is in the database, no code counts twice, and
// retries of the unacknowledged ballots with their nonces settle cleanly.
func TestBallotsSurviveKill9(t *testing.T) {
	bin := servertest.Binary(t)
	db := dbtest.MustOpenDB(t)
	env := &servertest.Env{DB: db}
	a, gs := env.Fixture(t, servertest.FixtureOptions{})
	st := account.NewService(db.Pool)
	ctx := context.Background()
	if _, err := st.AddUser(ctx, account.NewUser{Email: "kill@example.kr", Password: "correct horse battery", Role: "dong", District: a.District, Dong: a.Dong}); err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateToken(ctx, "kill@example.kr")
	if err != nil {
		t.Fatal(err)
	}
	addr := servertest.FreeAddr(t)
	base := "http://" + addr
	secretFile := filepath.Join(t.TempDir(), "secret")
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--addr", addr, "--database-url", db.DSN, "--secret-file", secretFile)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for i := 0; ; i++ {
			if r, err := http.Get(base + "/healthz"); err == nil {
				r.Body.Close()
				if r.StatusCode == 200 {
					return cmd
				}
			}
			if i > 300 {
				t.Fatalf("server did not start: %s", logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	post := func(path string, body any, auth bool) (int, []byte, error) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if auth {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		c := &http.Client{Timeout: 10 * time.Second}
		res, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		out, err := io.ReadAll(res.Body)
		return res.StatusCode, out, err
	}
	cmd := start()
	if s, b, err := post(fmt.Sprintf("/api/v1/assemblies/%d/open", a.ID), nil, true); err != nil || s != 200 {
		t.Fatalf("open: %d %s %v", s, b, err)
	}
	s, b, err := post(fmt.Sprintf("/api/v1/assemblies/%d/codes", a.ID), map[string]any{"count": 600, "channel": "onsite"}, true)
	if err != nil || s != 201 {
		t.Fatalf("codes: %d %v", s, err)
	}
	var issued struct{ Codes []struct{ Code string } }
	json.Unmarshal(b, &issued)

	type result struct {
		code, nonce, receipt, choice string
	}
	var mu sync.Mutex
	var acked, unacked []result
	var next atomic.Int64
	var ackCount atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(issued.Codes) {
					return
				}
				r := result{code: issued.Codes[i].Code, nonce: fmt.Sprintf("kill-%d", i), choice: gs[i%6].IDString()}
				s, b, err := post("/api/v1/ballots", map[string]any{"assembly": a.Slug, "code": r.code, "nonce": r.nonce,
					"choices": []string{r.choice}}, false)
				mu.Lock()
				if err == nil && s == 201 {
					var out struct{ Receipt string }
					json.Unmarshal(b, &out)
					r.receipt = out.Receipt
					acked = append(acked, r)
					ackCount.Add(1)
				} else {
					unacked = append(unacked, r)
				}
				mu.Unlock()
				if err != nil {
					return // the server is gone
				}
			}
		}()
	}
	for ackCount.Load() < 150 {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	wg.Wait()
	t.Logf("%d acknowledged before kill -9, %d not", len(acked), len(unacked))

	start()
	var n, used int64
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1) + (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, a.ID).Scan(&n)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, a.ID).Scan(&used)
	if n != used {
		t.Fatalf("%d ballots but %d used codes", n, used)
	}
	if n < int64(len(acked)) {
		t.Fatalf("%d ballots, fewer than the %d acknowledged", n, len(acked))
	}
	for _, r := range acked {
		var k int
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(r.receipt)).Scan(&k)
		if k != 1 {
			t.Fatalf("acknowledged receipt %s lost after kill -9", r.receipt)
		}
		// A retry of an acknowledged ballot (the same choices: the app
		// resends the same body) answers the same receipt.
		s, b, err := post("/api/v1/ballots", map[string]any{"assembly": a.Slug, "code": r.code, "nonce": r.nonce, "choices": []string{r.choice}}, false)
		if err != nil || s != 201 || !strings.Contains(string(b), r.receipt) {
			t.Fatalf("retry after restart: %d %s %v", s, b, err)
		}
	}
	// The residents whose answer was lost retry with their nonce: each code
	// ends with exactly one ballot.
	for _, r := range unacked {
		s, b, err := post("/api/v1/ballots", map[string]any{"assembly": a.Slug, "code": r.code, "nonce": r.nonce, "choices": []string{r.choice}}, false)
		if err != nil || s != 201 {
			t.Fatalf("retry of an unacknowledged ballot: %d %s %v", s, b, err)
		}
	}
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1) + (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, a.ID).Scan(&n)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, a.ID).Scan(&used)
	if n != used || n != int64(len(acked)+len(unacked)) {
		t.Fatalf("after retries: %d ballots, %d used codes, %d submitted", n, used, len(acked)+len(unacked))
	}
	// Close: every sealed ballot, also those left waiting by the kill, is
	// mixed; the running counts equal a full recount of the ballots.
	if s, b, err := post(fmt.Sprintf("/api/v1/assemblies/%d/close", a.ID), nil, true); err != nil || s != 200 {
		t.Fatalf("close: %d %s %v", s, b, err)
	}
	var pending, stored, tallied int64
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`, a.ID).Scan(&pending)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM ballots WHERE assembly_id = $1`, a.ID).Scan(&stored)
	db.Pool.QueryRow(ctx, `SELECT coalesce(sum(votes), 0) FROM tally_agendas WHERE assembly_id = $1`, a.ID).Scan(&tallied)
	if pending != 0 || stored != used || tallied != stored {
		t.Fatalf("after close: %d still waiting, %d stored, %d used codes, %d votes counted", pending, stored, used, tallied)
	}
}
