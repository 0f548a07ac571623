package voting_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestPaperBallots(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{MaxChoices: 2}, true)
	t.Run("all or nothing", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(0), v.ids(1, 2), v.ids(0, 1, 2)}})
		if r.Status != 422 || !strings.Contains(string(r.Body), "2개까지") || !strings.Contains(string(r.Body), `"field":"ballots.2"`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if v.ballots(t) != 0 || v.count(t, `SELECT count(*) FROM paper_entries`) != 0 {
			t.Fatal("a refused batch stored something")
		}
	})
	var created struct {
		Created int
		Ballots []string
	}
	r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(0), v.ids(1, 2), v.ids(3, 0)}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r.JSON(t, &created)
	if created.Created != 3 || v.count(t, `SELECT count(*) FROM ballots WHERE channel = 'paper'`) != 3 {
		t.Fatalf("created %d", created.Created)
	}
	if n := v.count(t, `SELECT count(*) FROM paper_entries WHERE action = 'enter' AND user_id = $1`, v.host.User.ID); n != 3 {
		t.Fatalf("%d entries name the staff member", n)
	}
	t.Run("correct", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper/"+created.Ballots[1]+"/correct"), map[string]any{"choices": v.ids(5)})
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var prev, now []int64
		v.e.DB.Pool.QueryRow(t.Context(), `SELECT previous, choices FROM paper_entries WHERE action = 'correct' AND ballot_id = $1 AND user_id = $2`,
			created.Ballots[1], v.host.User.ID).Scan(&prev, &now)
		if len(prev) != 2 || prev[0] != v.agendas[1].ID || len(now) != 1 || now[0] != v.agendas[5].ID {
			t.Fatalf("audit: previous %v, choices %v", prev, now)
		}
		if v.count(t, `SELECT count(*) FROM ballot_choices WHERE ballot_id = $1 AND agenda_id = $2`, created.Ballots[1], v.agendas[5].ID) != 1 {
			t.Fatal("correction not applied")
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+created.Ballots[1]+"/correct"), map[string]any{"choices": v.ids(0, 1, 2)}); r.Status != 422 {
			t.Fatalf("bad correction: %d", r.Status)
		}
	})
	t.Run("void", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper/"+created.Ballots[0]+"/void"), nil)
		if r.Status != 200 || v.ballots(t) != 2 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if v.count(t, `SELECT count(*) FROM paper_entries WHERE action = 'void' AND ballot_id = $1 AND previous = $2`, created.Ballots[0], []int64{v.agendas[0].ID}) != 1 {
			t.Fatal("void not audited")
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+created.Ballots[0]+"/void"), nil); r.Status != 404 {
			t.Fatalf("void twice: %d", r.Status)
		}
	})
	t.Run("an online ballot cannot be touched as paper", func(t *testing.T) {
		// A phone ballot as the mixer stores it.
		var id string
		if err := v.e.DB.Pool.QueryRow(t.Context(), `INSERT INTO ballots (assembly_id, channel) VALUES ($1, 'onsite') RETURNING id::text`,
			v.a.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+id+"/void"), nil); r.Status != 404 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("keyboard entry page", func(t *testing.T) {
		page := fmt.Sprintf("/host/assemblies/%d/paper", v.a.ID)
		r := v.host.PostForm(t, page, url.Values{"numbers": {"1 3"}})
		if r.Status != 303 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		p := v.host.Get(t, r.Header.Get("Location"))
		if p.Status != 200 || !strings.Contains(string(p.Body), "저장했습니다: 1 3") || !strings.Contains(string(p.Body), "autofocus") {
			t.Fatalf("%d %s", p.Status, p.Body)
		}
		r = v.host.PostForm(t, page, url.Values{"numbers": {"1 9"}})
		if r.Status != 422 || !strings.Contains(string(r.Body), "의제 번호 9는") || !strings.Contains(string(r.Body), `value="1 9"`) {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		r = v.host.PostForm(t, page, url.Values{"numbers": {"1 3"}, "_csrf": {"wrong"}})
		if r.Status != 403 {
			t.Fatalf("without CSRF: %d", r.Status)
		}
		if n := v.count(t, `SELECT count(*) FROM ballots WHERE channel = 'paper'`); n != 3 {
			t.Fatalf("%d paper ballots", n)
		}
	})
	t.Run("correct and void by form say they did", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(4)}})
		var one struct{ Ballots []string }
		r.JSON(t, &one)
		base := fmt.Sprintf("/host/assemblies/%d/paper/%s", v.a.ID, one.Ballots[0])
		r = v.host.PostForm(t, base+"/correct", url.Values{"numbers": {"2"}})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "done=corrected") {
			t.Fatalf("correct: %d %v", r.Status, r.Header)
		}
		if p := v.host.Get(t, r.Header.Get("Location")); !strings.Contains(string(p.Body), "종이 투표를 정정했습니다") {
			t.Fatalf("no confirmation after a correction: %s", p.Body)
		}
		r = v.host.PostForm(t, base+"/void", url.Values{})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "done=voided") {
			t.Fatalf("void: %d %v", r.Status, r.Header)
		}
		if p := v.host.Get(t, r.Header.Get("Location")+"&lang=en"); !strings.Contains(string(p.Body), "The paper ballot entry was undone") {
			t.Fatalf("no confirmation after a void: %s", p.Body)
		}
		if p := v.host.Get(t, fmt.Sprintf("/host/assemblies/%d/paper?done=bogus", v.a.ID)); strings.Contains(string(p.Body), `id="flash"`) {
			t.Fatal("an unknown done= shows a message")
		}
	})
	t.Run("tally", func(t *testing.T) {
		a, _ := assembly.FindAssembly(t.Context(), v.e.DB.Pool, v.a.ID)
		tl, err := voting.Count(t.Context(), v.e.DB.Pool, a)
		if err != nil {
			t.Fatal(err)
		}
		if tl.Channels["paper"] != 3 || tl.Channels["onsite"] != 0 {
			t.Fatalf("channels %v", tl.Channels)
		}
	})
	t.Run("closed: the paper desk goes on", func(t *testing.T) {
		v.host.API(t, "POST", v.path("/close"), nil)
		if r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(0)}}); r.Status != 201 {
			t.Fatalf("paper after close: %d %s", r.Status, r.Body)
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+created.Ballots[2]+"/void"), nil); r.Status != 200 {
			t.Fatalf("void after close: %d %s", r.Status, r.Body)
		}
	})
}

func TestRoles(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, false)
	otherDong := v.e.NewHost(t, account.RoleDong, v.a.District, "망원1동")
	district := v.e.NewHost(t, account.RoleDistrict, v.a.District, "")
	city := v.e.NewHost(t, account.RoleCity, "", "")
	for _, h := range []*servertest.Host{otherDong, district, city} {
		for _, c := range []struct {
			path string
			body any
		}{
			{"/open", nil}, {"/close", nil}, {"/codes", map[string]any{"count": 1, "channel": "onsite"}},
			{"/codes/revoke", map[string]any{"batch": "1"}}, {"/paper", map[string]any{"ballots": [][]string{v.ids(0)}}},
		} {
			if r := h.API(t, "POST", v.path(c.path), c.body); r.Status != 403 {
				t.Fatalf("%s %s: %d %s", h.User.Role, c.path, r.Status, r.Body)
			}
		}
	}
	if r := v.e.Do(t, "POST", v.path("/open"), "", nil); r.Status != 401 {
		t.Fatalf("anonymous open: %d", r.Status)
	}
	if r := otherDong.Get(t, fmt.Sprintf("/host/assemblies/%d/console", v.a.ID)); r.Status != 403 {
		t.Fatalf("another dong's console: %d", r.Status)
	}
	for _, h := range []*servertest.Host{district, city} {
		r := h.Get(t, fmt.Sprintf("/host/assemblies/%d/console", v.a.ID))
		if r.Status != 200 || strings.Contains(string(r.Body), `id="open-btn"`) || !strings.Contains(string(r.Body), "동 관리자만") {
			t.Fatalf("%s console: %d", h.User.Role, r.Status)
		}
	}
	if r := district.PostForm(t, fmt.Sprintf("/host/assemblies/%d/open", v.a.ID), url.Values{}); r.Status != 403 {
		t.Fatalf("district opens by form: %d", r.Status)
	}
	if r := v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/open", v.a.ID), url.Values{"_csrf": {"x"}}); r.Status != 403 {
		t.Fatalf("open without the CSRF token: %d", r.Status)
	}
	t.Run("console flow", func(t *testing.T) {
		console := fmt.Sprintf("/host/assemblies/%d/console", v.a.ID)
		p := v.host.Get(t, console)
		if p.Status != 200 || !strings.Contains(string(p.Body), `id="open-btn"`) || !strings.Contains(string(p.Body), "/p/"+v.a.Slug) {
			t.Fatalf("%d %s", p.Status, p.Body)
		}
		r := v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/open", v.a.ID), url.Values{})
		if r.Status != 303 {
			t.Fatalf("open: %d %s", r.Status, r.Body)
		}
		sheet := printCards(t, v, 3, "online")
		shorts := shortRe.FindAllStringSubmatch(sheet, -1)
		r = v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/codes/revoke", v.a.ID), url.Values{"code": {shorts[0][1]}})
		if r.Status != 303 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := v.ballot(t, shorts[0][1], "n", v.ids(0)); r.Status != 404 {
			t.Fatalf("revoked code voted: %d", r.Status)
		}
		if r := v.ballot(t, shorts[1][1], "n", v.ids(0)); r.Status != 201 {
			t.Fatalf("online code: %d %s", r.Status, r.Body)
		}
		r = v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/codes/revoke", v.a.ID), url.Values{"code": {shorts[1][1]}})
		if r.Status != 409 || !strings.Contains(string(r.Body), "이미 투표에 사용된") {
			t.Fatalf("revoke a used code: %d", r.Status)
		}
		p = v.host.Get(t, console)
		body := string(p.Body)
		if !strings.Contains(body, "투표 진행 중") || !strings.Contains(body, `id="close-btn"`) {
			t.Fatalf("console after open: %s", body)
		}
		// The way back to the assembly, and the 합계 row filled in.
		if !strings.Contains(body, fmt.Sprintf(`<a href="/host/assemblies/%d" id="assembly-link">`, v.a.ID)) {
			t.Fatalf("no link back to the assembly: %s", body)
		}
		for _, want := range []string{`data-sum="issued">3<`, `data-sum="used">1<`, `data-sum="revoked">1<`, `id="ballot-link"`} {
			if !strings.Contains(body, want) {
				t.Fatalf("console lacks %s: %s", want, body)
			}
		}
		r = v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/close", v.a.ID), url.Values{})
		if r.Status != 422 {
			t.Fatalf("close without the confirmation: %d", r.Status)
		}
		r = v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/close", v.a.ID), url.Values{"confirm": {"1"}})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "n=1") {
			t.Fatalf("close: %d %v", r.Status, r.Header)
		}
		p = v.host.Get(t, r.Header.Get("Location"))
		if !strings.Contains(string(p.Body), "최종 투표 수: 1표") {
			t.Fatalf("flash: %s", p.Body)
		}
		// The ballot answers 409 once closed: the console no longer links it.
		if strings.Contains(string(p.Body), `id="ballot-link"`) || strings.Contains(string(p.Body), `href="/v/`+v.a.Slug+`"`) {
			t.Fatalf("closed console still links the ballot: %s", p.Body)
		}
	})
}
