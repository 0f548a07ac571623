package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"maeul/account"
	"maeul/assembly"
	"maeul/database/dbtest"
	"maeul/live"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// wsURL is the live feed of an assembly on a server at base (http://…).
func wsURL(base string, id int64, query string) string {
	u := "ws" + strings.TrimPrefix(base, "http") + fmt.Sprintf("/ws/assemblies/%d/tally", id)
	if query != "" {
		u += "?" + query
	}
	return u
}

// dial opens the feed with an optional Bearer token.
func dial(base string, id int64, token, query string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	return d.Dial(wsURL(base, id, query), h)
}

func mustDial(t *testing.T, base string, id int64, token, query string) *websocket.Conn {
	t.Helper()
	c, res, err := dial(base, id, token, query)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", wsURL(base, id, query), err, status)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// message is one tally message as received, decoded and raw.
type message struct {
	voting.Tally
	Raw string
}

func read(t *testing.T, c *websocket.Conn, within time.Duration) message {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(within))
	typ, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read tally: %v", err)
	}
	if typ != websocket.TextMessage {
		t.Fatalf("message type %d, want text", typ)
	}
	var m message
	if err := json.Unmarshal(b, &m.Tally); err != nil {
		t.Fatalf("tally is not JSON: %v: %s", err, b)
	}
	m.Raw = string(b)
	return m
}

// waitFor reads messages until ok accepts one.
func waitFor(t *testing.T, c *websocket.Conn, within time.Duration, what string, ok func(message) bool) message {
	t.Helper()
	deadline := time.Now().Add(within)
	var last message
	for time.Now().Before(deadline) {
		c.SetReadDeadline(deadline)
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v (last message: %s)", what, err, last.Raw)
		}
		last = message{Raw: string(b)}
		if err := json.Unmarshal(b, &last.Tally); err != nil {
			t.Fatal(err)
		}
		if ok(last) {
			return last
		}
	}
	t.Fatalf("no message with %s within %v (last: %s)", what, within, last.Raw)
	return last
}

// insertBallot stores a ballot straight into the database as the mixer
// does (a group of one, which only a test may do) and moves the running
// counts with it.
func insertBallot(t *testing.T, e *servertest.Env, assemblyID int64, channel string, agendas ...int64) {
	t.Helper()
	ctx := context.Background()
	tx, err := e.DB.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var id string
	err = tx.QueryRow(ctx, `INSERT INTO ballots (assembly_id, channel) VALUES ($1, $2) RETURNING id`,
		assemblyID, channel).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range agendas {
		if _, err := tx.Exec(ctx, `INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position) VALUES ($1, $2, $3, $4)`,
			assemblyID, id, g, i+1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points)
		SELECT c.assembly_id, c.agenda_id, $3, 1, CASE WHEN a.method = 'ranked' THEN greatest(a.max_choices - c.position + 1, 0) ELSE 1 END
		FROM ballot_choices c JOIN assemblies a ON a.id = c.assembly_id WHERE c.ballot_id = $2 AND c.assembly_id = $1
		ON CONFLICT (assembly_id, agenda_id, channel) DO UPDATE
		SET votes = tally_agendas.votes + excluded.votes, points = tally_agendas.points + excluded.points`, assemblyID, id, channel); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tally_channels (assembly_id, channel, ballots) VALUES ($1, $2, 1)
		ON CONFLICT (assembly_id, channel) DO UPDATE SET ballots = tally_channels.ballots + 1`, assemblyID, channel); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func votesOf(m message, agendaID int64) int64 {
	for _, g := range m.Agendas {
		if g.ID == fmt.Sprint(agendaID) && g.Votes != nil {
			return *g.Votes
		}
	}
	return -1
}

func TestFeed(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)

	t.Run("initial tally then an update after a ballot", func(t *testing.T) {
		c := mustDial(t, e.URL, a.ID, host.Token, "")
		m := read(t, c, 10*time.Second)
		if m.Ballots != 0 || m.State != assembly.StateOpen || len(m.Agendas) != len(gs) || m.Title != a.Title {
			t.Fatalf("initial tally: %s", m.Raw)
		}
		if votesOf(m, gs[1].ID) != 0 {
			t.Fatalf("open, not sealed: votes must be shown: %s", m.Raw)
		}
		insertBallot(t, e, a.ID, voting.ChannelOnsite, gs[1].ID, gs[2].ID)
		e.Server.Voting.OnChange(a.ID)
		m = waitFor(t, c, 10*time.Second, "one ballot", func(m message) bool { return m.Ballots == 1 })
		if votesOf(m, gs[1].ID) != 1 || votesOf(m, gs[0].ID) != 0 || m.Channels["onsite"] != 1 {
			t.Fatalf("after one ballot: %s", m.Raw)
		}
	})

	t.Run("a new viewer gets the current tally at once", func(t *testing.T) {
		c := mustDial(t, e.URL, a.ID, host.Token, "")
		m := read(t, c, 10*time.Second)
		if m.Ballots != 1 {
			t.Fatalf("reconnecting viewer: %s", m.Raw)
		}
	})

	t.Run("the API answers the same tally", func(t *testing.T) {
		r := host.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally", a.ID), nil)
		var tl voting.Tally
		r.JSON(t, &tl)
		if r.Status != 200 || tl.Ballots != 1 || tl.Channels["onsite"] != 1 {
			t.Fatalf("tally API: %d %s", r.Status, r.Body)
		}
	})

	t.Run("changes are coalesced to at most ten messages a second", func(t *testing.T) {
		c := mustDial(t, e.URL, a.ID, host.Token, "")
		read(t, c, 10*time.Second)
		start := time.Now()
		for i := 0; i < 20; i++ {
			insertBallot(t, e, a.ID, voting.ChannelOnline, gs[3].ID)
			e.Server.Voting.OnChange(a.ID)
		}
		msgs := 0
		waitFor(t, c, 10*time.Second, "21 ballots", func(m message) bool { msgs++; return m.Ballots == 21 })
		if el := time.Since(start); msgs > int(el/live.Interval)+2 {
			t.Fatalf("%d messages in %v: more than one per %v", msgs, el, live.Interval)
		}
	})
}

func TestAccess(t *testing.T) {
	e := servertest.Start(t)
	a, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	other := e.NewHost(t, account.RoleDong, a.District, "망원1동")
	district := e.NewHost(t, account.RoleDistrict, a.District, "")
	dong := e.NewHost(t, account.RoleDong, a.District, a.Dong)

	status := func(token, query string) int {
		c, res, err := dial(e.URL, a.ID, token, query)
		if err == nil {
			c.Close()
			return 101
		}
		if res == nil {
			t.Fatalf("dial: %v", err)
		}
		return res.StatusCode
	}
	for _, tc := range []struct {
		name, token, query string
		want               int
	}{
		{"no credentials", "", "", 401},
		{"a bad link token", "", "t=pl_nope", 401},
		{"another dong's host", other.Token, "", 403},
		{"the district's host", district.Token, "", 101},
		{"the dong's host", dong.Token, "", 101},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := status(tc.token, tc.query); got != tc.want {
				t.Fatalf("status %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("the tally API refuses without credentials", func(t *testing.T) {
		r := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally", a.ID), "", nil)
		if r.Status != 401 || r.ErrorCode() != "unauthorized" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("a projector link works until revoked", func(t *testing.T) {
		r := dong.PostForm(t, "/p/"+a.Slug+"/links", url.Values{"label": {"강당"}})
		m := regexpFind(`/p/`+a.Slug+`\?t=(pl_[A-Za-z0-9_-]+)`, string(r.Body))
		if r.Status != 200 || m == "" {
			t.Fatalf("create link: %d %s", r.Status, r.Body)
		}
		if got := status("", "t="+m); got != 101 {
			t.Fatalf("with the link: %d", got)
		}
		page := e.Do(t, "GET", "/p/"+a.Slug+"?t="+m, "", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), a.Title) {
			t.Fatalf("projector with link: %d", page.Status)
		}
		if strings.Contains(string(page.Body), "⟦") {
			t.Fatalf("untranslated key on the projector")
		}
		links, err := live.FindLinks(context.Background(), e.DB.Pool, a.ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("links: %v %v", links, err)
		}
		if r := other.PostForm(t, fmt.Sprintf("/p/%s/links/%d/revoke", a.Slug, links[0].ID), url.Values{}); r.Status != 403 {
			t.Fatalf("another dong revoking: %d", r.Status)
		}
		wall := mustDial(t, e.URL, a.ID, "", "t="+m)
		read(t, wall, 10*time.Second)
		if r := dong.PostForm(t, fmt.Sprintf("/p/%s/links/%d/revoke", a.Slug, links[0].ID), url.Values{}); r.Status != 303 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if got := status("", "t="+m); got != 401 {
			t.Fatalf("with a revoked link: %d", got)
		}
		wall.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := wall.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
			t.Fatalf("a screen opened with a revoked link stays connected: %v", err)
		}
	})
	t.Run("anyone once announced", func(t *testing.T) {
		e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET state = 'closed' WHERE id = $1`, a.ID)
		e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET state = 'announced' WHERE id = $1`, a.ID)
		if got := status("", ""); got != 101 {
			t.Fatalf("announced, no credentials: %d", got)
		}
		r := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally", a.ID), "", nil)
		if r.Status != 200 {
			t.Fatalf("announced tally API: %d %s", r.Status, r.Body)
		}
	})
}

func TestSealed(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen, Sealed: true})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	c := mustDial(t, e.URL, a.ID, host.Token, "")
	m := read(t, c, 10*time.Second)
	for i := 0; i < 3; i++ {
		insertBallot(t, e, a.ID, voting.ChannelOnsite, gs[0].ID, gs[4].ID)
	}
	e.Server.Hub.Changed(a.ID)
	m = waitFor(t, c, 10*time.Second, "3 ballots", func(m message) bool { return m.Ballots == 3 })
	if !m.Sealed || strings.Contains(m.Raw, `"votes"`) || strings.Contains(m.Raw, `"points"`) {
		t.Fatalf("sealed and open: per-agenda numbers leaked: %s", m.Raw)
	}
	page := host.Get(t, "/p/"+a.Slug)
	body := string(page.Body)
	if page.Status != 200 || strings.Contains(body, `class="score"`) || strings.Contains(body, "✔ 선정 가능") {
		t.Fatalf("sealed projector page shows the ranking (status %d)", page.Status)
	}
	if !strings.Contains(body, "투표가 끝나면 순위를 공개합니다") {
		t.Fatalf("sealed projector page does not say so")
	}

	// A projector link's wall, open through the close.
	tok, _, err := live.CreateLink(context.Background(), e.DB.Pool, a.ID, nil, "강당")
	if err != nil {
		t.Fatal(err)
	}
	wall := mustDial(t, e.URL, a.ID, "", "t="+url.QueryEscape(tok))
	read(t, wall, 10*time.Second)

	// The host closes the vote (phones stop): hosts read the numbers, the
	// wall stays covered until the host reveals the ranking.
	if r := host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/close", a.ID), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	m = waitFor(t, c, 10*time.Second, "the closed state", func(m message) bool { return m.State == assembly.StateClosed })
	if m.Sealed || m.Revealed || votesOf(m, gs[0].ID) != 3 || votesOf(m, gs[4].ID) != 3 {
		t.Fatalf("closed: a host's tally carries the numbers, not yet revealed: %s", m.Raw)
	}
	w := waitFor(t, wall, 10*time.Second, "the closed state on the wall", func(m message) bool { return m.State == assembly.StateClosed })
	if w.Revealed || strings.Contains(w.Raw, `"votes"`) || strings.Contains(w.Raw, `"points"`) {
		t.Fatalf("closed, not revealed: the projector link got the numbers: %s", w.Raw)
	}
	linkTally := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally?t=%s", a.ID, url.QueryEscape(tok)), "", nil)
	if linkTally.Status != 200 || strings.Contains(string(linkTally.Body), `"votes"`) {
		t.Fatalf("closed, not revealed: GET tally with a link: %d %s", linkTally.Status, linkTally.Body)
	}
	hostTally := host.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally", a.ID), nil)
	if !strings.Contains(string(hostTally.Body), `"votes":3`) {
		t.Fatalf("closed: a host's tally must carry the numbers: %s", hostTally.Body)
	}
	page = host.Get(t, "/p/"+a.Slug)
	body = string(page.Body)
	if strings.Contains(body, `class="score"`) || !strings.Contains(body, "순위는 진행자가 공개합니다") {
		t.Fatalf("closed, not revealed: the host's projector page shows the ranking or does not say why")
	}
	if !strings.Contains(body, `data-reveal="/api/v1/assemblies/`) {
		t.Fatalf("a managing host's projector page has no reveal key")
	}
	linkPage := e.Do(t, "GET", "/p/"+a.Slug+"?t="+url.QueryEscape(tok), "", nil)
	if linkPage.Status != 200 || strings.Contains(string(linkPage.Body), "data-reveal") || strings.Contains(string(linkPage.Body), `class="score"`) {
		t.Fatalf("a projector link's page may neither show the ranking nor reveal it (status %d)", linkPage.Status)
	}
	// Neither a district host (reads, does not manage) nor a link reveals.
	district := e.NewHost(t, account.RoleDistrict, a.District, "")
	if r := district.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/reveal", a.ID), nil); r.Status != 403 {
		t.Fatalf("a district host revealed: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/reveal?t=%s", a.ID, url.QueryEscape(tok)), "", nil); r.Status != 401 {
		t.Fatalf("a projector link revealed: %d %s", r.Status, r.Body)
	}

	// The host reveals: both feeds say so, the wall gets the numbers.
	r := host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/reveal", a.ID), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"revealed":true`) {
		t.Fatalf("reveal: %d %s", r.Status, r.Body)
	}
	w = waitFor(t, wall, 10*time.Second, "the reveal on the wall", func(m message) bool { return m.Revealed })
	if votesOf(w, gs[0].ID) != 3 {
		t.Fatalf("revealed: the wall has no numbers: %s", w.Raw)
	}
	waitFor(t, c, 10*time.Second, "the reveal for the host", func(m message) bool { return m.Revealed })
	page = host.Get(t, "/p/"+a.Slug)
	if !strings.Contains(string(page.Body), "✔ 선정 가능") || strings.Contains(string(page.Body), "data-reveal") {
		t.Fatalf("revealed projector page does not show the ranking (or still offers to reveal)")
	}
	// Again: the same answer, one audit entry.
	if r := host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/reveal", a.ID), nil); r.Status != 200 {
		t.Fatalf("reveal again: %d %s", r.Status, r.Body)
	}
	var n int
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE assembly_id = $1 AND action = 'reveal' AND actor = $2`,
		a.ID, host.Email).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reveal audit entries: %d (%v), want 1", n, err)
	}
}

func regexpFind(pattern, s string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// slowDialer opens websockets with a tiny receive buffer, so a viewer that
// never reads backs up the server quickly.
var slowDialer = websocket.Dialer{HandshakeTimeout: 10 * time.Second,
	NetDial: func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
			return serr
		}}
		return d.Dial(network, addr)
	}}

func TestSlowViewerDoesNotDelayOthers(t *testing.T) {
	e := servertest.Start(t)
	costs := make([]int64, 150)
	for i := range costs {
		costs[i] = int64(1_000_000 + i*10_000)
	}
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen, Costs: costs})
	// Long titles make each message about 100 KB.
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE agendas SET title = repeat('가', 190) || number WHERE assembly_id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)

	h := http.Header{"Authorization": {"Bearer " + host.Token}}
	slow, _, err := slowDialer.Dial(wsURL(e.URL, a.ID, ""), h)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close() // never read
	fast := mustDial(t, e.URL, a.ID, host.Token, "")
	read(t, fast, 10*time.Second)
	if n := e.Server.Hub.Viewers(a.ID); n != 2 {
		t.Fatalf("%d viewers, want 2", n)
	}

	var worst time.Duration
	dropped := false
	for i := 1; i <= 300 && !(dropped && i > 60); i++ {
		insertBallot(t, e, a.ID, voting.ChannelOnsite, gs[i%len(gs)].ID)
		sent := time.Now()
		e.Server.Hub.Changed(a.ID)
		waitFor(t, fast, 10*time.Second, fmt.Sprintf("%d ballots", i), func(m message) bool { return m.Ballots >= int64(i) })
		worst = max(worst, time.Since(sent))
		if !dropped && e.Server.Hub.Viewers(a.ID) == 1 {
			dropped = true
			t.Logf("the slow viewer was dropped after %d messages", i)
		}
	}
	t.Logf("slowest update reaching the fast viewer: %v", worst)
	if !dropped {
		t.Fatalf("the viewer that never reads was never dropped")
	}
}

func TestDeletedAssemblyEndsTheFeed(t *testing.T) {
	e := servertest.Start(t)
	real, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	a, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	// a is the rehearsal copy of real: its projector says 리허설.
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET rehearsal_of = $2 WHERE id = $1`, a.ID, real.ID); err != nil {
		t.Fatal(err)
	}
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	page := string(host.Get(t, "/p/"+a.Slug).Body)
	if !strings.Contains(page, `id="rehearsal-mark"`) || !strings.Contains(page, "<title>[리허설]") {
		t.Fatal("the rehearsal copy's projector does not say 리허설")
	}
	if strings.Contains(string(host.Get(t, "/p/"+real.Slug).Body), `id="rehearsal-mark"`) {
		t.Fatal("a real assembly's projector says 리허설")
	}
	c := mustDial(t, e.URL, a.ID, host.Token, "")
	read(t, c, 10*time.Second)
	// The rehearsal ends: its copy is deleted as the run does it (no
	// change is announced; the hub's resync finds it gone).
	if err := assembly.DeleteRehearsal(context.Background(), e.DB.Pool, a.ID); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(3 * live.ResyncEvery))
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, live.CloseGone) {
		t.Fatalf("the feed of a deleted assembly: %v, want close %d (gone)", err, live.CloseGone)
	}
}
