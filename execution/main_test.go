package execution_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/database/dbtest"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var seq atomic.Int64

// who is a host reached by its API token (no password to hash: tests stay
// cheap); Bearer requests need no CSRF token, for pages and forms too.
type who struct {
	e   *servertest.Env
	u   *account.User
	tok string
}

func newWho(t *testing.T, e *servertest.Env, role, district, dong, department string) *who {
	t.Helper()
	ctx := context.Background()
	email := fmt.Sprintf("%s%d@example.kr", role, seq.Add(1))
	u := &account.User{Email: email, Role: role, District: district, Dong: dong, Department: department}
	if err := e.DB.Pool.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, district, dong, department)
		VALUES ($1, 'x', $2, $3, $4, $5) RETURNING id`, email, role, district, dong, department).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	tok, err := account.NewService(e.DB.Pool).CreateToken(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return &who{e: e, u: u, tok: tok}
}

func (w *who) api(t *testing.T, method, path string, body any) *servertest.Response {
	t.Helper()
	return w.e.Do(t, method, path, w.tok, body)
}

// want fails unless the response has the status.
func want(t *testing.T, r *servertest.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

// send posts a form or multipart body with the token, without following
// redirects.
func (w *who) send(t *testing.T, method, path, ctype string, body io.Reader) *servertest.Response {
	t.Helper()
	req, err := http.NewRequest(method, w.e.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if w != nil && w.tok != "" {
		req.Header.Set("Authorization", "Bearer "+w.tok)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (w *who) form(t *testing.T, path string, v url.Values) *servertest.Response {
	t.Helper()
	return w.send(t, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

func (w *who) get(t *testing.T, path string) *servertest.Response {
	t.Helper()
	return w.send(t, http.MethodGet, path, "", nil)
}

// multipartBody builds a multipart form with fields and one file.
func multipartBody(t *testing.T, fields map[string]string, field, name string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// clean fails when a page shows a missing message (⟦key⟧) or a formatting slip.
func clean(t *testing.T, name string, r *servertest.Response) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Errorf("%s: status %d: %.300s", name, r.Status, r.Body)
	}
	for _, bad := range []string{"⟦", "%!"} {
		if i := bytes.Index(r.Body, []byte(bad)); i >= 0 {
			t.Errorf("%s shows %q: …%s…", name, bad, r.Body[max(0, i-80):min(len(r.Body), i+80)])
		}
	}
}

// announced makes an assembly of the dong with the result announced: six
// agendas (5, 12, 8, 3, 9.5 and 15 million) of which 1, 2, 3 and 4 are
// selected under the 30,000,000 cap.
func announced(t *testing.T, e *servertest.Env, host *who, district, dong string, prep func(gs []assembly.Agenda)) (*assembly.Assembly, []assembly.Agenda) {
	t.Helper()
	ctx := context.Background()
	a, gs := e.Fixture(t, servertest.FixtureOptions{District: district, Dong: dong, State: assembly.StateOpen})
	if prep != nil {
		prep(gs)
	}
	tx, err := e.DB.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	cast := func(n int, ch string, choices ...int) {
		for i := 0; i < n; i++ {
			var id string
			if err := tx.QueryRow(ctx, `INSERT INTO ballots (assembly_id, channel) VALUES ($1, $2) RETURNING id::text`, a.ID, ch).Scan(&id); err != nil {
				t.Fatal(err)
			}
			r := fmt.Sprintf("EXEC-%06d-%d", seq.Add(1), a.ID)
			if _, err := tx.Exec(ctx, `INSERT INTO receipts (assembly_id, receipt_hash) VALUES ($1, $2)`, a.ID, voting.ReceiptHash(r)); err != nil {
				t.Fatal(err)
			}
			for p, c := range choices {
				if _, err := tx.Exec(ctx, `INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position) VALUES ($1, $2, $3, $4)`,
					a.ID, id, gs[c-1].ID, p+1); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	cast(5, "onsite", 1, 2, 6)
	cast(3, "online", 1, 2, 3)
	cast(2, "paper", 1, 6, 5)
	cast(1, "online", 2, 3, 5)
	cast(1, "onsite", 6, 4)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	e.SetRunningCounts(t, a.ID)
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET state = 'closed', closed_at = now() WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.Results.Announce(ctx, a.ID, host.u); err != nil {
		t.Fatal(err)
	}
	return a, gs
}
